import type { AwilixContainer } from "awilix"
import { resolveSalesChannelLink } from "../modules/sales-channel/link"
import type { SalesChannelDTO } from "../modules/sales-channel/types"
import type { ApiKeyDTO } from "../modules/api-key/types/api-key"

export { resolveSalesChannelLink }

export type AdminApiKey = Partial<ApiKeyDTO> & { id: string; sales_channels?: SalesChannelDTO[] }

/**
 * Adds `sales_channels` to admin key responses, as Medusa's admin API embeds them: the linked
 * channels of publishable keys, [] for secret keys. Without a link service the field is left
 * out; `include: false` leaves it out too (the client's `fields` did not ask for it).
 */
export async function withSalesChannels(scope: AwilixContainer, keys: Partial<ApiKeyDTO>[], include = true): Promise<AdminApiKey[]> {
  const link = include ? resolveSalesChannelLink(scope) : undefined
  if (!link) return keys as AdminApiKey[]
  const ids = keys.map((k) => k.id as string)
  const channels = ids.length ? await link.listSalesChannels(ids) : {}
  return keys.map((key) => ({ ...key, id: key.id as string, sales_channels: channels[key.id as string] ?? [] }))
}
