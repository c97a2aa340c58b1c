import type { MikroORM } from "@mikro-orm/postgresql"
import { databaseErrorTranslator, installMethodAliases, isContext, isPlainObject } from "../../../framework/modules-sdk/service-helpers"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { Context } from "../../../framework/modules-sdk/context"
import { readManager, withTransaction } from "../../../framework/modules-sdk/database"
import { generateEntityId } from "../../../framework/modules-sdk/ids"
import { requireNonEmptyString } from "../../api-key/services/input"
import type { SalesChannelRepository, NewSalesChannelRow } from "../repositories/sales-channel-repository"
import type { PublishableKeyLinkRepository } from "../repositories/publishable-key-link-repository"
import type {
  CreateSalesChannelDTO,
  FilterablePublishableKeyLinkProps,
  FilterableSalesChannelProps,
  PublishableKeySalesChannelLink,
  SalesChannelDTO,
  SalesChannelFindConfig,
  UpdateSalesChannelDTO,
} from "../types"
import { missingSalesChannels, normalizeIds, normalizeLinks, notFound, validateCreateInput, validateUpdateInput } from "./input"
import { toSalesChannelDTO } from "./serialize"

interface InjectedDependencies {
  orm: MikroORM
  salesChannelRepository: SalesChannelRepository
  publishableKeyLinkRepository: PublishableKeyLinkRepository
}

type OneOrMany<T> = T | T[]
type KeyedUpdate = UpdateSalesChannelDTO & { id: string }



/**
 * Medusa's Sales Channel Module service, plus the data access of the publishable key ↔ sales
 * channel link table (its rules — the key must be publishable — live in ../link.ts, which sees
 * both modules). Both method namings are aliases installed at the bottom of this file.
 */
export class SalesChannelModuleService {
  protected readonly orm_: MikroORM
  protected readonly repository_: SalesChannelRepository
  protected readonly links_: PublishableKeyLinkRepository

  constructor({ orm, salesChannelRepository, publishableKeyLinkRepository }: InjectedDependencies) {
    this.orm_ = orm
    this.repository_ = salesChannelRepository
    this.links_ = publishableKeyLinkRepository
  }

  // ---- create ------------------------------------------------------------------------------

  async createSalesChannels(data: CreateSalesChannelDTO, sharedContext?: Context): Promise<SalesChannelDTO>
  async createSalesChannels(data: CreateSalesChannelDTO[], sharedContext?: Context): Promise<SalesChannelDTO[]>
  async createSalesChannels(data: OneOrMany<CreateSalesChannelDTO>, sharedContext?: Context): Promise<OneOrMany<SalesChannelDTO>> {
    const many = Array.isArray(data)
    const rows: NewSalesChannelRow[] = (many ? data : [data]).map((item, i) => ({
      id: generateEntityId("sc"),
      ...validateCreateInput(item, i, many),
    }))
    const stored = await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.repository_.insert(em, rows)
      return this.repository_.findByIds(em, rows.map((r) => r.id))
    }).catch(translateDatabaseError)
    const byId = new Map(stored.map((row) => [row.id, toSalesChannelDTO(row)]))
    const created = rows.map((r) => byId.get(r.id)!)
    return many ? created : created[0]
  }

  // ---- reads -------------------------------------------------------------------------------

  async retrieveSalesChannel(id: string, config?: SalesChannelFindConfig, sharedContext?: Context): Promise<SalesChannelDTO> {
    requireNonEmptyString(id, "id")
    const [channel] = await this.listSalesChannels({ id }, { ...config, skip: undefined, take: 1 }, sharedContext)
    if (!channel) throw notFound([id])
    return channel
  }

  async listSalesChannels(filters?: FilterableSalesChannelProps, config?: SalesChannelFindConfig, sharedContext?: Context): Promise<SalesChannelDTO[]> {
    const rows = await this.repository_.find(readManager(this.orm_, sharedContext), filters, config).catch(translateDatabaseError)
    return rows.map((row) => toSalesChannelDTO(row, config?.select))
  }

  async listAndCountSalesChannels(
    filters?: FilterableSalesChannelProps,
    config?: SalesChannelFindConfig,
    sharedContext?: Context
  ): Promise<[SalesChannelDTO[], number]> {
    const em = readManager(this.orm_, sharedContext)
    const [rows, count] = await this.repository_.findAndCount(em, filters, config).catch(translateDatabaseError)
    return [rows.map((row) => toSalesChannelDTO(row, config?.select)), count]
  }

  // ---- update ------------------------------------------------------------------------------

  async updateSalesChannels(id: string, data: UpdateSalesChannelDTO, sharedContext?: Context): Promise<SalesChannelDTO>
  async updateSalesChannels(selector: FilterableSalesChannelProps, data: UpdateSalesChannelDTO, sharedContext?: Context): Promise<SalesChannelDTO[]>
  async updateSalesChannels(data: KeyedUpdate, sharedContext?: Context): Promise<SalesChannelDTO>
  async updateSalesChannels(data: KeyedUpdate[], sharedContext?: Context): Promise<SalesChannelDTO[]>
  async updateSalesChannels(
    idOrSelectorOrData: string | FilterableSalesChannelProps | OneOrMany<KeyedUpdate>,
    dataOrContext?: UpdateSalesChannelDTO | Context,
    sharedContext?: Context
  ): Promise<OneOrMany<SalesChannelDTO>> {
    // (id, data) and (selector, data) carry one change for many rows; ({ id, … }) and
    // ([{ id, … }]) carry one change per row. The form decides the return shape.
    if (typeof idOrSelectorOrData === "string") {
      requireNonEmptyString(idOrSelectorOrData, "id")
      const [updated] = await this.update_([{ id: idOrSelectorOrData, ...validateUpdateInput(dataOrContext) }], sharedContext)
      return updated
    }
    if (Array.isArray(idOrSelectorOrData)) {
      const updates = idOrSelectorOrData.map((item, i) => parseKeyedUpdate(item, ` (update at index ${i})`))
      return this.update_(updates, dataOrContext as Context | undefined)
    }
    if (!isPlainObject(idOrSelectorOrData)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "update expects an id, a selector, or { id, ...changes }")
    }
    if (dataOrContext !== undefined && !isContext(dataOrContext)) {
      const changes = validateUpdateInput(dataOrContext)
      return withTransaction(this.orm_, sharedContext, async (em) => {
        const rows = await this.repository_.find(em, idOrSelectorOrData as FilterableSalesChannelProps, { select: ["id"] })
        return this.update_(rows.map((r) => ({ id: r.id, ...changes })), { transactionManager: em })
      })
    }
    const [updated] = await this.update_([parseKeyedUpdate(idOrSelectorOrData, "")], dataOrContext as Context | undefined)
    return updated
  }

  protected async update_(updates: KeyedUpdate[], sharedContext?: Context): Promise<SalesChannelDTO[]> {
    if (!updates.length) return []
    const ids = updates.map((u) => u.id)
    const rows = await withTransaction(this.orm_, sharedContext, async (em) => {
      const existing = await this.repository_.findByIds(em, ids, { lock: "update" })
      const found = new Set(existing.map((c) => c.id))
      const missing = [...new Set(ids.filter((id) => !found.has(id)))]
      if (missing.length) throw notFound(missing)
      const now = new Date()
      for (const { id, ...changes } of updates) {
        if (Object.keys(changes).length) await this.repository_.update(em, id, changes, now)
      }
      return this.repository_.findByIds(em, ids)
    }).catch(translateDatabaseError)
    const byId = new Map(rows.map((row) => [row.id, row]))
    return ids.map((id) => toSalesChannelDTO(byId.get(id)!))
  }

  // ---- delete, soft delete, restore --------------------------------------------------------

  /** Removes the channels and their links to publishable keys; unknown ids are ignored. */
  async deleteSalesChannels(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "delete")
    await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.links_.deleteMatching(em, { sales_channel_id: list })
      await this.repository_.deleteByIds(em, list)
    }).catch(translateDatabaseError)
  }

  /** Hides the channels; their links stay (hidden too) so `restore` brings them back. */
  async softDeleteSalesChannels(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "softDelete")
    await withTransaction(this.orm_, sharedContext, (em) => this.repository_.softDeleteByIds(em, list, new Date())).catch(
      translateDatabaseError
    )
  }

  async restoreSalesChannels(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "restore")
    await withTransaction(this.orm_, sharedContext, (em) => this.repository_.restoreByIds(em, list, new Date())).catch(
      translateDatabaseError
    )
  }

  // ---- publishable key links (rules in ../link.ts) -----------------------------------------

  /**
   * Links keys to channels. Every channel must exist (and not be soft-deleted), else
   * invalid_data naming the missing ids in input order; pairs already linked are skipped.
   * Returns the links actually created. The channels stay locked until the transaction ends,
   * so a channel deleted meanwhile cannot be left with a dangling link.
   */
  async addPublishableKeyLinks(links: PublishableKeySalesChannelLink[], sharedContext?: Context): Promise<PublishableKeySalesChannelLink[]> {
    return this.addLinks_(normalizeLinks(links, "addPublishableKeyLinks"), "refuse-missing", sharedContext)
  }

  /**
   * Puts back links removed earlier (a workflow's compensation). Links to channels deleted since
   * are skipped rather than failing the compensation; soft-deleted channels get theirs back.
   */
  async restorePublishableKeyLinks(links: PublishableKeySalesChannelLink[], sharedContext?: Context): Promise<PublishableKeySalesChannelLink[]> {
    return this.addLinks_(normalizeLinks(links, "restorePublishableKeyLinks"), "skip-missing", sharedContext)
  }

  protected async addLinks_(
    links: PublishableKeySalesChannelLink[],
    missing: "refuse-missing" | "skip-missing",
    sharedContext?: Context
  ): Promise<PublishableKeySalesChannelLink[]> {
    if (!links.length) return []
    const channelIds = [...new Set(links.map((l) => l.sales_channel_id))]
    const inserted = await withTransaction(this.orm_, sharedContext, async (em) => {
      const channels = await this.repository_.findByIds(em, channelIds, { lock: "share", withDeleted: missing === "skip-missing" })
      const found = new Set(channels.map((c) => c.id))
      const absent = channelIds.filter((id) => !found.has(id))
      if (absent.length && missing === "refuse-missing") throw missingSalesChannels(absent)
      const rows = links.filter((l) => found.has(l.sales_channel_id)).map((l) => ({ id: generateEntityId("pksc"), ...l }))
      return this.links_.insertMissing(em, rows)
    }).catch(translateDatabaseError)
    return inInputOrder(links, inserted)
  }

  /**
   * Removes links: exact pairs (an array) or every link of the given keys and/or channels (a
   * filter; at least one list is required so a mistake cannot remove every link). Returns the
   * links that were actually removed; links that did not exist are a no-op.
   */
  async removePublishableKeyLinks(
    selector: PublishableKeySalesChannelLink[] | FilterablePublishableKeyLinkProps,
    sharedContext?: Context
  ): Promise<PublishableKeySalesChannelLink[]> {
    if (Array.isArray(selector)) {
      const pairs = normalizeLinks(selector, "removePublishableKeyLinks")
      return withTransaction(this.orm_, sharedContext, (em) => this.links_.deletePairs(em, pairs)).catch(translateDatabaseError)
    }
    const filter = normalizeLinkFilter(selector, "removePublishableKeyLinks")
    if (!filter.publishable_key_id && !filter.sales_channel_id) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "removePublishableKeyLinks needs link pairs, or publishable_key_id and/or sales_channel_id lists"
      )
    }
    return withTransaction(this.orm_, sharedContext, (em) => this.links_.deleteMatching(em, filter)).catch(translateDatabaseError)
  }

  /** Links of the given keys and/or channels (all links without a filter), oldest first; links to soft-deleted channels are hidden. */
  async listPublishableKeyLinks(filter: FilterablePublishableKeyLinkProps = {}, sharedContext?: Context): Promise<PublishableKeySalesChannelLink[]> {
    const where = normalizeLinkFilter(filter, "listPublishableKeyLinks")
    return this.links_.find(readManager(this.orm_, sharedContext), where).catch(translateDatabaseError)
  }

  /** Releases the module's connections; called by the host on shutdown. */
  async onApplicationShutdown(): Promise<void> {
    await this.orm_.close(true)
  }
}

function parseKeyedUpdate(item: unknown, where: string): KeyedUpdate {
  const id = requireNonEmptyString((item as { id?: unknown })?.id, "id", where)
  return { id, ...validateUpdateInput(item, where, true) }
}

function normalizeLinkFilter(filter: unknown, method: string): FilterablePublishableKeyLinkProps {
  if (!isPlainObject(filter)) throw new MedusaError(MedusaError.Types.INVALID_DATA, `${method} expects { publishable_key_id?: string[], sales_channel_id?: string[] }`)
  const unknown = Object.keys(filter).filter((k) => k !== "publishable_key_id" && k !== "sales_channel_id")
  if (unknown.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Unknown filter ${unknown.join(", ")}; filter links by publishable_key_id or sales_channel_id`)
  }
  const result: FilterablePublishableKeyLinkProps = {}
  for (const field of ["publishable_key_id", "sales_channel_id"] as const) {
    const ids = filter[field]
    if (ids === undefined) continue
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `${field} must be an array of ids; got ${JSON.stringify(ids)}`)
    }
    result[field] = ids
  }
  return result
}

/** `subset` sorted the way its pairs appear in `links`, so callers see their own order. */
function inInputOrder(links: PublishableKeySalesChannelLink[], subset: PublishableKeySalesChannelLink[]): PublishableKeySalesChannelLink[] {
  const key = (l: PublishableKeySalesChannelLink) => `${l.publishable_key_id}\u0000${l.sales_channel_id}`
  const wanted = new Set(subset.map(key))
  return links.filter((l) => wanted.has(key(l)))
}

const translateDatabaseError = databaseErrorTranslator("A sales channel or link with the same id already exists")

/** Both naming eras are doors onto the same implementation. */
const ALIASES = {
  create: "createSalesChannels",
  list: "listSalesChannels",
  listAndCount: "listAndCountSalesChannels",
  retrieve: "retrieveSalesChannel",
  update: "updateSalesChannels",
  delete: "deleteSalesChannels",
  softDelete: "softDeleteSalesChannels",
  restore: "restoreSalesChannels",
} as const

installMethodAliases(SalesChannelModuleService, ALIASES)

export interface SalesChannelModuleService {
  create: SalesChannelModuleService["createSalesChannels"]
  list: SalesChannelModuleService["listSalesChannels"]
  listAndCount: SalesChannelModuleService["listAndCountSalesChannels"]
  retrieve: SalesChannelModuleService["retrieveSalesChannel"]
  update: SalesChannelModuleService["updateSalesChannels"]
  delete: SalesChannelModuleService["deleteSalesChannels"]
  softDelete: SalesChannelModuleService["softDeleteSalesChannels"]
  restore: SalesChannelModuleService["restoreSalesChannels"]
}
