import { LockMode, type FilterQuery } from "@mikro-orm/core"
import type { EntityManager } from "@mikro-orm/postgresql"
import { SALES_CHANNEL_FIELDS, SalesChannel } from "../models/sales-channel"
import type { FilterableSalesChannelProps, SalesChannelFindConfig, UpdateSalesChannelDTO } from "../types"
import { buildFindOptions } from "../../../framework/modules-sdk/find-config"
import { buildSalesChannelWhere } from "./sales-channel-query"

export type NewSalesChannelRow = Pick<SalesChannel, "id" | "name" | "description" | "is_disabled">

const notDeleted = { deleted_at: null }

/**
 * The only place that builds queries on `sales_channel`. Every method takes the caller's entity
 * manager, so the service decides what is one transaction.
 */
export class SalesChannelRepository {
  async find(em: EntityManager, filters?: FilterableSalesChannelProps, config?: SalesChannelFindConfig): Promise<SalesChannel[]> {
    const [rows] = await this.query(em, filters, config, false)
    return rows
  }

  async findAndCount(em: EntityManager, filters?: FilterableSalesChannelProps, config?: SalesChannelFindConfig): Promise<[SalesChannel[], number]> {
    return this.query(em, filters, config, true)
  }

  private async query(
    em: EntityManager,
    filters: FilterableSalesChannelProps | undefined,
    config: SalesChannelFindConfig | undefined,
    withCount: boolean
  ): Promise<[SalesChannel[], number]> {
    const where = this.scope(buildSalesChannelWhere(filters), config?.withDeleted)
    const { fields, orderBy, limit, offset } = buildFindOptions(config, SALES_CHANNEL_FIELDS)
    if (limit === 0) {
      return [[], withCount ? await em.count(SalesChannel, where) : 0]
    }
    const options = { fields: fields as any, orderBy, limit, offset, disableIdentityMap: true }
    if (withCount) return (await em.findAndCount(SalesChannel, where, options)) as [SalesChannel[], number]
    return [(await em.find(SalesChannel, where, options)) as SalesChannel[], 0]
  }

  private scope(where: FilterQuery<SalesChannel>, withDeleted?: boolean): FilterQuery<SalesChannel> {
    if (withDeleted) return where
    return Object.keys(where as object).length ? ({ $and: [where, notDeleted] } as FilterQuery<SalesChannel>) : notDeleted
  }

  /**
   * Channels by id. `lock: "share"` keeps them from being deleted until the transaction ends
   * (used while linking to them); `"update"` serialises writers of the same rows.
   */
  async findByIds(
    em: EntityManager,
    ids: string[],
    options: { withDeleted?: boolean; lock?: "share" | "update" } = {}
  ): Promise<SalesChannel[]> {
    if (!ids.length) return []
    const lockMode = options.lock === "share" ? LockMode.PESSIMISTIC_READ : options.lock === "update" ? LockMode.PESSIMISTIC_WRITE : undefined
    return em.find(SalesChannel, this.scope({ id: { $in: ids } }, options.withDeleted), {
      disableIdentityMap: true,
      orderBy: { created_at: "asc", id: "asc" },
      ...(lockMode ? { lockMode } : {}),
    })
  }

  async insert(em: EntityManager, rows: NewSalesChannelRow[]): Promise<void> {
    if (!rows.length) return
    await em.insertMany(SalesChannel, rows as SalesChannel[])
  }

  async update(em: EntityManager, id: string, changes: UpdateSalesChannelDTO, now: Date): Promise<void> {
    await em.nativeUpdate(SalesChannel, { id, ...notDeleted }, { ...changes, updated_at: now })
  }

  async deleteByIds(em: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return
    await em.nativeDelete(SalesChannel, { id: { $in: ids } })
  }

  async softDeleteByIds(em: EntityManager, ids: string[], now: Date): Promise<void> {
    if (!ids.length) return
    await em.nativeUpdate(SalesChannel, { id: { $in: ids }, ...notDeleted }, { deleted_at: now, updated_at: now })
  }

  async restoreByIds(em: EntityManager, ids: string[], now: Date): Promise<void> {
    if (!ids.length) return
    await em.nativeUpdate(SalesChannel, { id: { $in: ids }, deleted_at: { $ne: null } }, { deleted_at: null, updated_at: now })
  }
}
