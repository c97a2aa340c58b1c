import type { MigrationObject } from "@mikro-orm/core"
import type { MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../change-feed"
import type { EventBus } from "../events"
import { connectModuleOrm, revertMigrations, type ModuleDatabaseOptions } from "../database"
import type { LinkDefinition } from "./define-link"
import { Link } from "./link"
import { LinkTable } from "./link-table"

/**
 * Link tables are a layer of their own, above the modules they join: one connection for all of
 * them, their own migrations table, and a `link` service over them. Tables of links that came
 * with a migration are created by it; any other link's table is created from its definition.
 */

export const LINK_MIGRATIONS_TABLE = "link_migrations"

export interface LinkMigrations {
  list: MigrationObject[]
  /** Migrations an earlier release recorded in a module's own table: moved here before running. */
  adopted?: { name: string; from: string }[]
}

export interface LoadedLinks {
  tables: LinkTable[]
  link: Link
  close(): Promise<void>
}

function connect(definitions: LinkDefinition[], database: ModuleDatabaseOptions, migrations: LinkMigrations): Promise<MikroORM> {
  return connectModuleOrm({
    database,
    entities: definitions.map((d) => d.model.entity),
    migrationsList: migrations.list,
    migrationsTable: LINK_MIGRATIONS_TABLE,
  })
}

/**
 * `feed`: the app's change feed, which every link change is published on (the app closes it);
 * `eventBus`: the app's, which link events are emitted on.
 */
export async function loadLinks(definitions: LinkDefinition[], database: ModuleDatabaseOptions, migrations: LinkMigrations, feed?: ChangeFeed, eventBus?: EventBus): Promise<LoadedLinks> {
  const orm = await connect(definitions, database, migrations)
  const tables = definitions.map((definition) => new LinkTable(definition, orm, feed, eventBus))
  return { tables, link: new Link(tables), close: () => orm.close(true) }
}

/** Moves records of adopted migrations from the module table where an earlier release kept them. */
async function adoptMigrations(orm: MikroORM, adopted: LinkMigrations["adopted"] = []): Promise<void> {
  const connection = orm.em.getConnection()
  await orm.getMigrator().getExecutedMigrations() // creates our migrations table when missing
  for (const { name, from } of adopted) {
    const [exists] = await connection.execute<{ found: string | null }[]>("select to_regclass(?) as found", [from])
    if (!exists?.found) continue
    await orm.em.fork().transactional(async (em) => {
      const c = em.getConnection()
      const tx = em.getTransactionContext()
      const [old] = await c.execute<{ executed_at: Date }[]>(`select executed_at from "${from}" where name = ?`, [name], "all", tx)
      if (!old) return
      await c.execute(
        `insert into "${LINK_MIGRATIONS_TABLE}" (name, executed_at) select ?, ? where not exists (select 1 from "${LINK_MIGRATIONS_TABLE}" where name = ?)`,
        [name, old.executed_at, name],
        "all",
        tx
      )
      await c.execute(`delete from "${from}" where name = ?`, [name], "all", tx)
    })
  }
}

/** Applies pending link migrations, then creates the table of any link no migration covers. */
export async function runLinkMigrations(definitions: LinkDefinition[], database: ModuleDatabaseOptions, migrations: LinkMigrations): Promise<string[]> {
  const orm = await connect(definitions, database, migrations)
  try {
    await adoptMigrations(orm, migrations.adopted)
    const applied = (await orm.getMigrator().up()).map((m) => m.name)
    for (const definition of definitions) {
      await orm.em.getConnection().execute(createTableSql(definition))
    }
    return applied
  } finally {
    await orm.close(true)
  }
}

export async function revertLinkMigrations(definitions: LinkDefinition[], database: ModuleDatabaseOptions, migrations: LinkMigrations, step = 1): Promise<string[]> {
  const orm = await connect(definitions, database, migrations)
  try {
    await adoptMigrations(orm, migrations.adopted)
    return await revertMigrations(orm, step)
  } finally {
    await orm.close(true)
  }
}

/** A link table as Medusa lays them out; idempotent. */
function createTableSql(definition: LinkDefinition): string {
  const [a, b] = definition.sides.map((side) => side.linkable)
  const table = definition.tableName
  return [
    `create table if not exists "${table}" ("id" text not null, "${a}" text not null, "${b}" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "${table}_pkey" primary key ("id"));`,
    `create unique index if not exists "IDX_${table}_unique" on "${table}" ("${a}", "${b}") where "deleted_at" is null;`,
    `create index if not exists "IDX_${table}_${a}" on "${table}" ("${a}");`,
    `create index if not exists "IDX_${table}_${b}" on "${table}" ("${b}");`,
  ].join("\n")
}
