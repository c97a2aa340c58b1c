import type { FilterQuery } from "@mikro-orm/core"
import type { EntityManager } from "@mikro-orm/postgresql"
import { PublishableKeyLink } from "../models/publishable-key-link"
import { SalesChannel } from "../models/sales-channel"
import type { FilterablePublishableKeyLinkProps, PublishableKeySalesChannelLink } from "../types"

export type NewPublishableKeyLinkRow = PublishableKeySalesChannelLink & { id: string }

/** What callers see of a link: the pair, not the row's own id. */
function toPair(row: Pick<PublishableKeyLink, "publishable_key_id" | "sales_channel_id">): PublishableKeySalesChannelLink {
  return { publishable_key_id: row.publishable_key_id, sales_channel_id: row.sales_channel_id }
}

/** The only place that builds queries on `publishable_api_key_sales_channel`. */
export class PublishableKeyLinkRepository {
  /**
   * Links matching the filter whose channel is not soft-deleted: a soft-deleted channel keeps its
   * links (so restoring it brings them back) but is hidden from readers meanwhile.
   */
  async find(em: EntityManager, filter: FilterablePublishableKeyLinkProps): Promise<PublishableKeySalesChannelLink[]> {
    const liveChannels = em.createQueryBuilder(SalesChannel, "sc").select("sc.id").where({ deleted_at: null }).getKnexQuery()
    const rows = await em
      .createQueryBuilder(PublishableKeyLink, "l")
      .select(["l.publishable_key_id", "l.sales_channel_id"])
      .where({ $and: [this.where(filter), { sales_channel_id: { $in: liveChannels as any } }] })
      .orderBy({ created_at: "asc", id: "asc" })
      .execute("all", false)
    return (rows as PublishableKeyLink[]).map(toPair)
  }

  /** Inserts the pairs not linked yet, in one statement that is safe under concurrent adds. */
  async insertMissing(em: EntityManager, rows: NewPublishableKeyLinkRow[]): Promise<PublishableKeySalesChannelLink[]> {
    if (!rows.length) return []
    const inserted = await em
      .createQueryBuilder(PublishableKeyLink)
      .insert(rows as PublishableKeyLink[])
      // No conflict target: the unique index is partial, and any duplicate pair is simply skipped.
      .onConflict()
      .ignore()
      .returning(["publishable_key_id", "sales_channel_id"])
      .execute("all", false)
    return (inserted as PublishableKeyLink[]).map(toPair)
  }

  /** Removes the links matching `where` and returns exactly the pairs that were removed. */
  async delete(em: EntityManager, where: FilterQuery<PublishableKeyLink>): Promise<PublishableKeySalesChannelLink[]> {
    // Locking first means a concurrent remover of the same links waits, then finds them gone,
    // so each removed link is reported by one caller only.
    const rows = await em.find(PublishableKeyLink, where, {
      fields: ["id", "publishable_key_id", "sales_channel_id"],
      orderBy: { created_at: "asc", id: "asc" },
      lockMode: 4 /* PESSIMISTIC_WRITE */,
      disableIdentityMap: true,
    })
    if (!rows.length) return []
    await em.nativeDelete(PublishableKeyLink, { id: { $in: rows.map((r) => r.id) } })
    return rows.map(toPair)
  }

  deletePairs(em: EntityManager, pairs: PublishableKeySalesChannelLink[]): Promise<PublishableKeySalesChannelLink[]> {
    if (!pairs.length) return Promise.resolve([])
    return this.delete(em, { $or: pairs.map(toPair) })
  }

  deleteMatching(em: EntityManager, filter: FilterablePublishableKeyLinkProps): Promise<PublishableKeySalesChannelLink[]> {
    return this.delete(em, this.where(filter))
  }

  /** `{}` matches every link; an empty id list matches none. */
  private where(filter: FilterablePublishableKeyLinkProps): FilterQuery<PublishableKeyLink> {
    const where: Record<string, unknown> = {}
    if (filter.publishable_key_id) where.publishable_key_id = { $in: filter.publishable_key_id }
    if (filter.sales_channel_id) where.sales_channel_id = { $in: filter.sales_channel_id }
    return where as FilterQuery<PublishableKeyLink>
  }
}
