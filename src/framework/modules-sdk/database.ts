import { knex, MikroORM, type EntityManager, type Knex, type Options } from "@mikro-orm/postgresql"
import { Migrator } from "@mikro-orm/migrations"
import type { EntitySchema, MigrationObject } from "@mikro-orm/core"
import { MedusaError } from "./medusa-error"

/** The `database` block of a module's options, as Medusa modules accept it. */
export interface ModuleDatabaseOptions {
  clientUrl?: string
  schema?: string
  /** Extra options for the pg pool (e.g. `{ max: 20 }`). */
  pool?: { min?: number; max?: number }
  /** Log every query through `logger` (useful to see what a call costs). */
  debug?: boolean
  logger?: (message: string) => void
  /** Merged into the pg driver settings (e.g. `{ connection: { ssl: false } }`), as Medusa passes them. */
  driverOptions?: Record<string, unknown>
  /**
   * An open knex connection (Medusa's shared `__pg_connection__`). Only its connection string is
   * used: the module keeps a pool of its own (see DESIGN: a module owns its ORM).
   */
  connection?: unknown
}

export interface ModuleOrmConfig {
  database?: ModuleDatabaseOptions
  entities: EntitySchema<any, any>[]
  migrationsList: MigrationObject[]
  /** Each module records its migrations in its own table so modules never see each other's. */
  migrationsTable: string
}

/** The application_name of a module's own pool connections in pg_stat_activity. */
export const MODULE_POOL_APPLICATION_NAME = "medusa-module"
const CONNECT_TIMEOUT_MS = 3_000
const ACQUIRE_TIMEOUT_MS = 5_000

/** The connection string of a knex instance (what Medusa's shared connection is), if it has one. */
function connectionStringOf(connection: unknown): string | undefined {
  const client = (connection as { client?: { config?: { connection?: unknown } } } | undefined)?.client
  const config = client?.config?.connection
  return typeof config === "string" ? config : (config as { connectionString?: string } | undefined)?.connectionString
}

/** knex writes pool connection errors to the console; they reach callers as query errors anyway. */
const quietKnexLog = { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined }

function withDriverDefaults(given: Record<string, unknown> | undefined): Record<string, unknown> {
  const connection = (given?.connection ?? {}) as Record<string, unknown>
  return {
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    log: quietKnexLog,
    ...given,
    // Named, so an operator (and a test) can tell a module's own pool from other sessions.
    connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: MODULE_POOL_APPLICATION_NAME, ...connection },
  }
}

function requireClientUrl(database?: ModuleDatabaseOptions): string {
  const url = database?.clientUrl || connectionStringOf(database?.connection)
  if (!url || typeof url !== "string") {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "The module needs a database connection: pass options.database.clientUrl (e.g. postgres://user@localhost:5432/db) or set projectConfig.databaseUrl in medusa-config.js"
    )
  }
  return url
}

/** ORMs running on a connection the host lent (Medusa's shared one): closing them must not end it. */
const lentConnections = new WeakSet<MikroORM>()

/**
 * The host's open knex connection, when it lends one (Medusa passes its shared `__pg_connection__`
 * as `database.connection`). MikroORM reuses a knex instance given as `driverOptions` when it is
 * of the same knex as its own, which holds when the app has one copy of knex (Medusa 2.21 and
 * this package both use MikroORM 6.6.14 and knex 3).
 */
function lentConnection(database: ModuleDatabaseOptions | undefined): Knex | undefined {
  const connection = database?.connection as (Knex & { context?: { client?: unknown } }) | undefined
  return typeof connection === "function" && connection.context?.client instanceof knex.Client ? connection : undefined
}

/**
 * SQL statements sent by every module ORM of this process since it started (each knex instance
 * counted once, also a lent one). Tests and the benchmark read it to show what a request costs;
 * the change feed's own session is not a module ORM and is not counted.
 */
let statementsSent = 0
const countedConnections = new WeakSet<object>()

export function moduleQueryCount(): number {
  return statementsSent
}

function countStatements(orm: MikroORM): void {
  const connection = orm.em.getConnection().getKnex()
  if (countedConnections.has(connection)) return
  countedConnections.add(connection)
  connection.on("query", () => void statementsSent++)
}

/** What knex's pool hands out for PostgreSQL: a pg client, tagged by knex. */
interface PooledConnection {
  __knexUid?: string
  __knexTxId?: string
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>
}

/**
 * Runs one statement on a connection of a knex pool, as knex runs a raw statement without bindings
 * (pg's simple protocol, the same events for listeners such as the statement count above), minus
 * its runner: acquire, query, release. Only `knex.client`'s pool methods are used (typed, but not
 * in knex's guide), so this is the one place that knows them.
 */
export async function queryPooled(pool: Knex, sql: string): Promise<Record<string, unknown>[]> {
  const client = pool.client
  const connection = (await client.acquireConnection()) as PooledConnection
  const event = { __knexUid: connection.__knexUid, __knexTxId: connection.__knexTxId, method: "raw", sql, bindings: [] }
  try {
    client.emit("query", event)
    const { rows } = await connection.query(sql)
    client.emit("query-response", rows, event)
    return rows
  } catch (error) {
    client.emit("query-error", error, event)
    throw error
  } finally {
    await client.releaseConnection(connection)
  }
}

/**
 * The rows of one select (SQL with `?` placeholders) read through `em`. In a transaction, or while
 * MikroORM logs queries, that is MikroORM's own `execute`. Otherwise the statement, with its values
 * escaped by MikroORM as `execute` escapes them, runs on a connection of the same pool directly:
 * MikroORM's wrapper and knex's runner around a statement cost about 55 µs of CPU each time, a
 * sixth of an admin request that reads one record.
 */
export async function selectRows(em: EntityManager, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  // Selects go where MikroORM's query builder sends them: a read replica when one is preferred.
  const connection = em.getConnection(em.config.get("preferReadReplicas") ? "read" : "write")
  const transaction = em.getTransactionContext()
  if (transaction || em.config.getLogger().isEnabled("query")) return connection.execute(sql, params, "all", transaction)
  await connection.ensureConnection()
  return queryPooled(connection.getKnex(), em.getPlatform().formatQuery(sql, params))
}

/** Opens the module's MikroORM instance (on the host's lent connection when there is one) and checks the database answers. */
export async function connectModuleOrm(config: ModuleOrmConfig): Promise<MikroORM> {
  const clientUrl = requireClientUrl(config.database)
  const logger = config.database?.logger
  const options: Options = {
    clientUrl,
    schema: config.database?.schema,
    entities: config.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: config.migrationsList,
      tableName: config.migrationsTable,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 10, ...config.database?.pool },
    // While the database is unreachable, fail within seconds (a 503 the client can retry) rather
    // than holding requests for knex's default minute. Given driver options (Medusa passes its
    // shared settings) are merged over these.
    driverOptions: lentConnection(config.database) ?? withDriverDefaults(config.database?.driverOptions),
    debug: config.database?.debug || logger ? ["query"] : false,
    logger: logger ?? (() => undefined),
    // A missing database is a configuration error to report, not something to create silently.
    ensureDatabase: false,
  }
  let orm: MikroORM
  try {
    orm = await MikroORM.init(options)
  } catch (error) {
    throw describeConnectionError(clientUrl, error)
  }
  if (lentConnection(config.database)) lentConnections.add(orm)
  countStatements(orm)
  if (!(await orm.isConnected())) {
    await closeModuleOrm(orm).catch(() => undefined)
    throw describeConnectionError(clientUrl, new Error("the server did not answer"))
  }
  return orm
}

/** Closes a module's ORM and its connection pool — unless the pool was lent by the host, which ends it itself. */
export async function closeModuleOrm(orm: MikroORM): Promise<void> {
  if (lentConnections.has(orm)) return
  await orm.close(true)
}

/** Whether the module runs on a connection the host lent. */
export function usesLentConnection(orm: MikroORM): boolean {
  return lentConnections.has(orm)
}

function describeConnectionError(clientUrl: string, error: unknown): MedusaError {
  const reason = error instanceof Error ? error.message : String(error)
  return new MedusaError(
    MedusaError.Types.DB_ERROR,
    `Could not connect to the database at ${redactUrl(clientUrl)}: ${reason}`
  )
}

/** Hides the password of a connection URL before it appears in an error or a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) {
      parsed.password = "***"
    }
    return parsed.toString()
  } catch {
    return "(unparseable database URL)"
  }
}

export async function runModuleMigrations(config: ModuleOrmConfig): Promise<string[]> {
  const orm = await connectModuleOrm(config)
  try {
    const applied = await orm.getMigrator().up()
    return applied.map((m) => m.name)
  } finally {
    await closeModuleOrm(orm)
  }
}

export async function revertModuleMigrations(config: ModuleOrmConfig, step = 1): Promise<string[]> {
  const orm = await connectModuleOrm(config)
  try {
    return await revertMigrations(orm, step)
  } finally {
    await closeModuleOrm(orm)
  }
}

/** Reverts the newest `step` applied migrations of an ORM's migrator, one at a time; 0 reverts them all. */
export async function revertMigrations(orm: MikroORM, step: number): Promise<string[]> {
  if (step <= 0) return (await orm.getMigrator().down({ to: 0 })).map((m) => m.name)
  const reverted: string[] = []
  for (let i = 0; i < step; i++) {
    const batch = await orm.getMigrator().down()
    if (!batch.length) break
    reverted.push(...batch.map((m) => m.name))
  }
  return reverted
}

/** Whether the database answers a trivial query within `timeoutMs` (for health checks). */
export async function pingDatabase(orm: MikroORM, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
    timer.unref()
  })
  const ping = orm.em
    .getConnection()
    .execute("select 1")
    .then(
      () => true,
      () => false
    )
  try {
    return await Promise.race([ping, timeout])
  } finally {
    clearTimeout(timer)
  }
}
