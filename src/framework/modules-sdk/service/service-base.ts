import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../change-feed"
import { closeModuleOrm } from "../database"
import { isContext, type Context } from "../context"
import { databaseErrorTranslator, invalid, isPlainObject, notFound } from "../errors"
import { generateEntityId } from "../ids"
import type { ModelDefinition } from "../model"
import { buildEventMessages, emitAfterCommit, eventSourceOf, optionalEventBus, type EventAction, type EventBus } from "../events"
import { selectManager, withTransaction } from "../transactions"
import { buildWhere, type FilterRule } from "./filters"
import { buildFindOptions, type FindConfig } from "./find-config"
import { article, isPlausibleId, requireNonEmptyString, validateCreateInput, validateUpdateInput } from "./input"
import { ModelRepository } from "./repository"

export interface ServiceDependencies {
  orm: MikroORM
  /** Registered by the module loader: every write publishes the ids it changed. */
  changeFeed?: ChangeFeed
  /** Medusa's event bus (`Modules.EVENT_BUS`), when the host has one: every write emits its events. */
  event_bus?: EventBus
}

type Row = Record<string, any>
type Dto = Record<string, unknown>
export interface KeyedChanges {
  id: string
  changes: Row
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  // json columns: the same content is no change.
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return JSON.stringify(a) === JSON.stringify(b)
  return a === b
}

/**
 * What `MedusaService({ … })` generates for every model, written once: reads with Medusa's
 * filters and find-config, create, update in its four forms, upsert, delete, soft delete and
 * restore, each in one transaction (or the caller's). A module service extends the generated
 * class and overrides only the protected hooks its own rules need; the public methods of both
 * naming eras are thin doors onto these (see medusa-service.ts).
 */
export abstract class MedusaServiceBase {
  protected readonly orm_: MikroORM
  protected readonly changeFeed_?: ChangeFeed
  protected readonly eventBus_?: EventBus
  private readonly models_: Record<string, ModelDefinition>
  private readonly repositories_ = new Map<string, ModelRepository>()
  private closed_ = false

  constructor(deps: ServiceDependencies, models: Record<string, ModelDefinition>) {
    this.orm_ = deps.orm
    this.changeFeed_ = deps.changeFeed
    this.eventBus_ = optionalEventBus(deps as unknown as Record<string, unknown>)
    this.models_ = models
    for (const [name, model] of Object.entries(models)) this.repositories_.set(name, new ModelRepository(model))
  }

  protected model_(name: string): ModelDefinition {
    return this.models_[name]
  }

  protected repository_<T extends Row = Row>(name: string): ModelRepository<T> {
    return this.repositories_.get(name) as ModelRepository<T>
  }

  // ---- hooks a module may override ----------------------------------------------------------

  /** A module's own rules for some filters (e.g. a field only some rows may be matched on). */
  protected filterRules_(_name: string): Record<string, FilterRule> {
    return {}
  }

  /** Columns to read for `select`ed fields (a field whose value depends on another adds it). */
  protected readFields_(_name: string, fields: string[] | undefined): string[] | undefined {
    return fields
  }

  /** The one place a row becomes what readers see: readable fields only, or the selected ones. */
  protected serialize_(name: string, row: Row, select?: readonly string[]): Dto {
    const { readable, optional } = this.model_(name).fields
    const dto: Dto = {}
    for (const field of select ?? readable) {
      const value = row[field] ?? null
      // A column beyond Medusa's shape appears only when it holds something.
      if (value === null && optional.has(field)) continue
      dto[field] = value
    }
    return dto
  }

  protected parseCreate_(name: string, data: unknown, where: string): Row {
    return validateCreateInput(this.model_(name), data, where)
  }

  protected parseUpdate_(name: string, data: unknown, where: string, allowId: boolean): Row {
    return validateUpdateInput(this.model_(name), data, where, allowId)
  }

  /** Runs in the delete's transaction before any row is removed; throw to refuse. */
  protected async beforeDelete_(_name: string, _em: EntityManager, _ids: string[]): Promise<void> {}

  /** Runs in the restore's transaction before soft-deleted rows come back; throw to refuse. */
  protected async beforeRestore_(_name: string, _em: EntityManager, _ids: string[]): Promise<void> {}

  protected duplicateMessage_(name: string): string {
    const model = this.model_(name)
    const noun = article(model.humanName)
    return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} with the same id already exists`
  }

  protected translateError_(name: string): (error: unknown) => never {
    return databaseErrorTranslator(this.duplicateMessage_(name))
  }

  /**
   * After a write, inside its transaction: tells every process that these rows changed (change
   * feed, for caches) and emits Medusa's module events once the transaction commits.
   */
  protected async afterWrite_(name: string, em: EntityManager, ids: string[], action: EventAction): Promise<void> {
    if (!ids.length) return
    if (action !== "created" && this.changeFeed_) await this.changeFeed_.publish(em, this.model_(name).tableName, { k: ids })
    this.emitEvents_(name, em, ids, action)
  }

  protected emitEvents_(name: string, em: EntityManager, ids: string[], action: EventAction): void {
    if (!this.eventBus_ || !ids.length) return
    emitAfterCommit(this.eventBus_, em, buildEventMessages(eventSourceOf(this, this.model_(name)), this.model_(name), action, ids), this.orm_)
  }

  // ---- reads --------------------------------------------------------------------------------

  protected async retrieve_(name: string, id: unknown, config?: FindConfig, sharedContext?: Context): Promise<Dto> {
    if (typeof id === "string" && id !== "" && !isPlausibleId(id)) throw notFound(this.model_(name).name, [id])
    requireNonEmptyString(id, '"id"')
    const [row] = await this.list_(name, { [this.model_(name).fields.primaryKey]: id }, { ...config, skip: undefined, take: 1 }, sharedContext)
    if (!row) throw notFound(this.model_(name).name, [id as string])
    return row
  }

  protected async list_(name: string, filters?: unknown, config?: FindConfig, sharedContext?: Context): Promise<Dto[]> {
    return (await this.find_(name, filters, config, sharedContext, false))[0]
  }

  protected listAndCount_(name: string, filters?: unknown, config?: FindConfig, sharedContext?: Context): Promise<[Dto[], number]> {
    return this.find_(name, filters, config, sharedContext, true)
  }

  private async find_(name: string, filters: unknown, config: FindConfig | undefined, sharedContext: Context | undefined, withCount: boolean): Promise<[Dto[], number]> {
    const model = this.model_(name)
    const repository = this.repository_(name)
    const options = buildFindOptions(model, config)
    const where = repository.scope(buildWhere(model, filters, this.filterRules_(name)), options.withDeleted)
    const em = selectManager(this.orm_, sharedContext)
    const translate = this.translateError_(name)
    const rows = await repository.select(em, where, { ...options, fields: this.readFields_(name, options.fields) }).catch(translate)
    const count = withCount ? await repository.count(em, where).catch(translate) : 0
    return [rows.map((row) => this.serialize_(name, row, config?.select)), count]
  }

  // ---- create, update, upsert -------------------------------------------------------------------

  protected async create_(name: string, inputs: Row[], sharedContext?: Context): Promise<Dto[]> {
    if (!inputs.length) return []
    const { primaryKey, idPrefix } = this.model_(name).fields
    const rows = inputs.map((input) => ({ ...input, [primaryKey]: input[primaryKey] ?? generateEntityId(idPrefix) }))
    const ids = rows.map((row) => row[primaryKey] as string)
    const stored = await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.repository_(name).insert(em, rows)
      await this.afterWrite_(name, em, ids, "created")
      return this.repository_(name).findByIds(em, ids)
    }).catch(this.translateError_(name))
    const byId = new Map(stored.map((row) => [row[primaryKey] as string, row]))
    return ids.map((id) => this.serialize_(name, byId.get(id)!))
  }

  protected parseKeyedUpdate_(name: string, item: unknown, where: string): KeyedChanges {
    const id = requireNonEmptyString((item as Row | undefined)?.[this.model_(name).fields.primaryKey], "id", where)
    return { id, changes: this.parseUpdate_(name, item, where, true) }
  }

  /** The four forms: (id, data), (selector, data), ({ id, … }) and ([{ id, … }]); the form decides the return shape. */
  protected async update_(name: string, first: unknown, second?: unknown, third?: Context): Promise<Dto | Dto[]> {
    if (typeof first === "string") {
      requireNonEmptyString(first, "id")
      return (await this.updateRows_(name, [{ id: first, changes: this.parseUpdate_(name, second, "", false) }], third))[0]
    }
    if (Array.isArray(first)) {
      return this.updateRows_(name, first.map((item, i) => this.parseKeyedUpdate_(name, item, ` (update at index ${i})`)), second as Context)
    }
    if (!isPlainObject(first)) throw invalid("update expects an id, a selector, or { id, ...changes }")
    if (second !== undefined && !isContext(second)) {
      const changes = this.parseUpdate_(name, second, "", false)
      return withTransaction(this.orm_, third, async (em) => {
        const primaryKey = this.model_(name).fields.primaryKey
        const matched = await this.list_(name, first, { select: [primaryKey] }, { transactionManager: em })
        // The caller's context goes on (its actor too), now bound to this transaction.
        return this.updateRows_(name, matched.map((row) => ({ id: row[primaryKey] as string, changes })), { ...third, transactionManager: em })
      })
    }
    return (await this.updateRows_(name, [this.parseKeyedUpdate_(name, first, "")], second as Context | undefined))[0]
  }

  /** Writes only what actually changes: an update to the same values leaves `updated_at` alone, as Medusa does. */
  protected async updateRows_(name: string, updates: KeyedChanges[], sharedContext?: Context): Promise<Dto[]> {
    if (!updates.length) return []
    const model = this.model_(name)
    const repository = this.repository_(name)
    const ids = updates.map((u) => u.id)
    const impossible = ids.filter((id) => !isPlausibleId(id))
    if (impossible.length) throw notFound(model.name, impossible)
    const rows = await withTransaction(this.orm_, sharedContext, async (em) => {
      const existing = new Map((await repository.findByIds(em, ids, { lock: "update" })).map((row) => [row[model.fields.primaryKey] as string, row]))
      const missing = [...new Set(ids.filter((id) => !existing.has(id)))]
      if (missing.length) throw notFound(model.name, missing)
      const now = new Date()
      const changed = new Set<string>()
      for (const { id, changes } of updates) {
        const row = existing.get(id)!
        const effective = Object.fromEntries(Object.entries(changes).filter(([field, value]) => !sameValue(row[field], value)))
        if (!Object.keys(effective).length) continue
        await repository.update(em, [id], effective, now)
        Object.assign(row, effective)
        changed.add(id)
      }
      await this.afterWrite_(name, em, [...changed], "updated")
      return changed.size ? repository.findByIds(em, ids) : [...existing.values()]
    }).catch(this.translateError_(name))
    const byId = new Map(rows.map((row) => [row[model.fields.primaryKey] as string, row]))
    return ids.map((id) => this.serialize_(name, byId.get(id)!))
  }

  /** Items with an id are updated, the others created; everything is checked before anything is written. */
  protected async upsert_(name: string, data: unknown, sharedContext?: Context): Promise<Dto | Dto[]> {
    const many = Array.isArray(data)
    const primaryKey = this.model_(name).fields.primaryKey
    const plan = (many ? data : [data]).map((item: unknown, i: number) => {
      const where = many ? ` (item at index ${i})` : ""
      if (isPlainObject(item) && item[primaryKey] !== undefined) return { update: this.parseKeyedUpdate_(name, item, where) }
      return { create: this.parseCreate_(name, item, where) }
    })
    const results = await withTransaction(this.orm_, sharedContext, async (em) => {
      const context = { ...sharedContext, transactionManager: em }
      const updated = await this.updateRows_(name, plan.flatMap((p) => (p.update ? [p.update] : [])), context)
      const created = await this.create_(name, plan.flatMap((p) => (p.create ? [p.create] : [])), context)
      return plan.map((p) => (p.update ? updated.shift()! : created.shift()!))
    })
    return many ? results : results[0]
  }

  // ---- delete, soft delete, restore ----------------------------------------------------------

  protected async delete_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    // Ids no record can have are not looked up: deleting them is a no-op, like any unknown id.
    const ids = requested.filter(isPlausibleId)
    if (!ids.length) return
    await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.beforeDelete_(name, em, ids)
      await this.afterWrite_(name, em, await this.repository_(name).deleteByIds(em, ids), "deleted")
    }).catch(this.translateError_(name))
  }

  protected async softDelete_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    const ids = requested.filter(isPlausibleId)
    if (!ids.length) return
    await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.afterWrite_(name, em, await this.repository_(name).softDeleteByIds(em, ids, new Date()), "deleted")
    }).catch(this.translateError_(name))
  }

  protected async restore_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    const ids = requested.filter(isPlausibleId)
    if (!ids.length) return
    await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.beforeRestore_(name, em, ids)
      await this.afterWrite_(name, em, await this.repository_(name).restoreByIds(em, ids, new Date()), "restored")
    }).catch(this.translateError_(name))
  }

  /**
   * Medusa's loader shuts modules down through `service.__hooks.onApplicationShutdown()` (it never
   * calls `onApplicationShutdown` directly): the same close, so the module's pool and change feed
   * end with the app under either host.
   */
  get __hooks(): { onApplicationShutdown: () => Promise<void> } {
    return { onApplicationShutdown: () => this.onApplicationShutdown() }
  }

  /** Releases the module's connections; the host calls it on shutdown (safe to call twice). */
  async onApplicationShutdown(): Promise<void> {
    if (this.closed_) return
    this.closed_ = true
    await this.changeFeed_?.close()
    await closeModuleOrm(this.orm_)
  }
}
