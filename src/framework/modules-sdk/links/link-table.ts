import type { EntityManager, Knex, MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../change-feed"
import type { Context } from "../context"
import { emitAfterCommit, type EventAction, type EventBus, type EventMessage } from "../events"
import { currentEventGroupId } from "../event-groups"
import { databaseErrorTranslator, invalid } from "../errors"
import { generateEntityId } from "../ids"
import { assertPlainText, isPlausibleId, ModelRepository } from "../service"
import { selectManager, withTransaction } from "../transactions"
import type { LinkDefinition } from "./define-link"
import { LinkedRowsCache } from "./linked-rows-cache"

/** One link: the value of each side's column, e.g. `{ publishable_key_id, sales_channel_id }`. */
export type LinkRow = Record<string, string>

const translate = databaseErrorTranslator("That link already exists")

/**
 * The rows of one link table. Only live links are read (a link is removed outright; the
 * `deleted_at` column exists because Medusa's link tables carry it). Writes are single statements
 * that are safe under concurrency: adding a pair twice at once keeps one link, and removing the
 * same link twice at once reports it removed once. Every change is published on the change feed
 * with the ids of both ends, for caches that depend on the link, and emitted on the event bus
 * after commit: `<table>.attached` for each link created, `<table>.detached` for each removed,
 * data `{ id, <one end's key>, <other end's key> }` (see linkEventMessages).
 */
export class LinkTable {
  readonly columns: [string, string]
  private readonly rows: ModelRepository<LinkRow>
  /** Links by record, for Query; absent without a change feed to keep it honest. */
  private readonly linked?: LinkedRowsCache

  constructor(
    readonly definition: LinkDefinition,
    private readonly orm: MikroORM,
    private readonly feed?: ChangeFeed,
    private readonly eventBus?: EventBus
  ) {
    this.columns = [definition.sides[0].linkable, definition.sides[1].linkable]
    this.rows = new ModelRepository(definition.model)
    this.linked = feed ? new LinkedRowsCache(feed, definition.tableName) : undefined
  }

  private pair(row: Record<string, unknown>): LinkRow {
    return { [this.columns[0]]: row[this.columns[0]] as string, [this.columns[1]]: row[this.columns[1]] as string }
  }

  /** `{}` matches every link; an empty id list matches none (nor do ids no record can have). */
  private where(filter: Record<string, string[] | undefined>): Record<string, unknown> {
    const where: Record<string, unknown> = { deleted_at: null }
    for (const column of this.columns) if (filter[column]) where[column] = { $in: filter[column]!.filter(isPlausibleId) }
    return where
  }

  /**
   * The links of these records by one end's column, as Query follows a relation: from the cache
   * when it serves (not inside a caller's transaction, whose reads must see its own writes).
   */
  linksOf(column: string, ids: string[], sharedContext?: Context): Promise<LinkRow[]> {
    const read = (missing: string[]) => this.list({ [column]: missing }, sharedContext)
    if (!this.linked || sharedContext?.transactionManager || sharedContext?.manager) return read(ids)
    return this.linked.linksOf(column, ids, read)
  }

  async list(filter: Record<string, string[] | undefined> = {}, sharedContext?: Context): Promise<LinkRow[]> {
    const em = selectManager(this.orm, sharedContext)
    const rows = await this.rows.select(em, this.where(filter), { fields: this.columns, orderBy: { created_at: "asc", id: "asc" } }).catch(translate)
    return rows.map((row) => this.pair(row))
  }

  /** Links the pairs not linked yet; returns those it created, in the order given. */
  async create(pairs: LinkRow[], sharedContext?: Context): Promise<LinkRow[]> {
    if (!pairs.length) return []
    for (const pair of pairs) for (const column of this.columns) assertPlainText(pair[column], column)
    const inserted = await withTransaction(this.orm, sharedContext, async (em) => {
      const rows = pairs.map((pair) => ({ id: generateEntityId(this.definition.model.fields.idPrefix), ...pair }))
      const result = (await em
        .createQueryBuilder(this.definition.model.entity)
        .insert(rows)
        // No conflict target: the unique index is partial, and a pair already linked is simply skipped.
        .onConflict()
        .ignore()
        .returning(["id", ...this.columns])
        .execute("all", false)) as Record<string, unknown>[]
      const created = result.map((row) => this.pair(row))
      await this.publish(em, created)
      emitAfterCommit(this.eventBus, em, linkEventMessages(this.definition.tableName, "attached", result, this.columns), this.orm)
      return created
    }).catch(translate)
    return inInputOrder(pairs, inserted)
  }

  /** Removes exactly these pairs; returns those that existed. */
  dismiss(requested: LinkRow[], sharedContext?: Context): Promise<LinkRow[]> {
    const pairs = requested.filter((pair) => this.columns.every((c) => isPlausibleId(pair[c])))
    if (!pairs.length) return Promise.resolve([])
    const [a, b] = this.columns
    return this.remove((q) => q.where((w) => pairs.forEach((pair) => w.orWhere({ [a]: pair[a], [b]: pair[b] }))), sharedContext)
  }

  /** Removes every link of the given ids on either side (at least one list, so a mistake cannot remove every link). */
  deleteMatching(filter: Record<string, string[] | undefined>, sharedContext?: Context): Promise<LinkRow[]> {
    if (!this.columns.some((column) => filter[column])) {
      throw invalid(`Removing links of ${this.definition.tableName} needs ${this.columns.join(" and/or ")} lists`)
    }
    return this.remove((q) => {
      for (const column of this.columns) if (filter[column]) q.whereIn(column, filter[column]!.filter(isPlausibleId))
      return q
    }, sharedContext)
  }

  /** One DELETE … RETURNING: two concurrent removers of a link cannot both report it. */
  private async remove(where: (query: Knex.QueryBuilder) => Knex.QueryBuilder, sharedContext?: Context): Promise<LinkRow[]> {
    return withTransaction(this.orm, sharedContext, async (em) => {
      const knex = em.getConnection().getKnex()
      // withTransaction always runs this inside a transaction.
      const query = knex(this.definition.tableName).transacting(em.getTransactionContext()!).whereNull("deleted_at")
      const rows = (await where(query).del().returning(["id", ...this.columns])) as Record<string, unknown>[]
      const removed = rows.map((row) => this.pair(row))
      await this.publish(em, removed)
      emitAfterCommit(this.eventBus, em, linkEventMessages(this.definition.tableName, "detached", rows, this.columns), this.orm)
      return removed
    }).catch(translate)
  }

  private async publish(em: EntityManager, rows: LinkRow[]): Promise<void> {
    const ids = [...new Set(rows.flatMap((row) => this.columns.map((c) => row[c])))]
    if (ids.length && this.feed) await this.feed.publish(em, this.definition.tableName, { k: ids })
  }
}

/**
 * Link events. Medusa's link module emits `<link entity>.attached` when links are created or
 * restored and `.detached` when they are deleted (not when dismissed), with data `{ id }` taken
 * from its input, where a link has no id yet. Here every link created emits `attached` and every
 * link removed (dismiss or delete) emits `detached`, named after the link table, with the link
 * row's id and both ends' ids: a subscriber can act on a link that no longer exists.
 */
export function linkEventMessages(
  table: string,
  action: Extract<EventAction, "attached" | "detached">,
  rows: Record<string, unknown>[],
  columns: readonly string[]
): EventMessage<Record<string, string>>[] {
  const group = currentEventGroupId()
  return rows.map((row) => ({
    name: `${table}.${action}`,
    data: Object.fromEntries(["id", ...columns].map((column) => [column, row[column] as string])),
    metadata: { source: "link_modules", object: table, action, ...(group ? { eventGroupId: group } : {}) },
  }))
}

/** `subset` in the order its pairs appear in `pairs`, so callers see their own order. */
function inInputOrder(pairs: LinkRow[], subset: LinkRow[]): LinkRow[] {
  const key = (row: LinkRow) => Object.keys(row).sort().map((k) => `${k}=${row[k]}`).join("\u0000")
  const wanted = new Set(subset.map(key))
  const seen = new Set<string>()
  return pairs.filter((pair) => {
    const k = key(pair)
    if (!wanted.has(k) || seen.has(k)) return false
    seen.add(k)
    return true
  })
}
