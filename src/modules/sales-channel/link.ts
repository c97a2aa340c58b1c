import type { AwilixContainer } from "awilix"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { requireNonEmptyString } from "../api-key/services/input"
import { ApiKeyType } from "../api-key/models/api-key"
import type { IApiKeyModuleService } from "../api-key/types/service"
import type { SalesChannelModuleService } from "./services/sales-channel-module-service"
import type { PublishableKeySalesChannelLink, SalesChannelDTO } from "./types"

/** The app container key under which the host registers the link service. */
export const API_KEY_SALES_CHANNEL_LINK = "apiKeySalesChannelLink"

export interface ApiKeySalesChannelLinkDependencies {
  apiKey: Pick<IApiKeyModuleService, "retrieveApiKey">
  salesChannel: SalesChannelModuleService
}

function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

function normalizeIdList(ids: unknown, what: string, method: string): string[] {
  if (!Array.isArray(ids)) throw invalid(`${method} expects an array of ${what} ids; got ${JSON.stringify(ids)}`)
  ids.forEach((id, i) => requireNonEmptyString(id, `${what} id`, ` (at index ${i})`))
  return [...new Set(ids as string[])]
}

/**
 * Medusa's link between publishable API keys and sales channels. It spans two modules, so it
 * lives above both: it checks the key through the API key module (it must exist and be
 * publishable) and keeps the link rows through the sales channel module, which owns the table.
 * The two modules have separate connections, so a call here is not one transaction across
 * both; the channel side is atomic (channels are locked while links to them are written).
 */
export class ApiKeySalesChannelLink {
  protected readonly apiKey_: ApiKeySalesChannelLinkDependencies["apiKey"]
  protected readonly salesChannel_: SalesChannelModuleService

  constructor({ apiKey, salesChannel }: ApiKeySalesChannelLinkDependencies) {
    this.apiKey_ = apiKey
    this.salesChannel_ = salesChannel
  }

  /** Links channels to a publishable key; already linked channels are skipped (not in `added`). */
  async addSalesChannels(apiKeyId: string, salesChannelIds: string[]): Promise<{ added: string[] }> {
    const channelIds = normalizeIdList(salesChannelIds, "sales channel", "addSalesChannels")
    await this.requirePublishableKey(apiKeyId)
    const added = await this.salesChannel_.addPublishableKeyLinks(this.pairs(apiKeyId, channelIds))
    return { added: added.map((l) => l.sales_channel_id) }
  }

  /** Unlinks channels from a publishable key; channels that were not linked are a no-op. */
  async removeSalesChannels(apiKeyId: string, salesChannelIds: string[]): Promise<{ removed: string[] }> {
    const channelIds = normalizeIdList(salesChannelIds, "sales channel", "removeSalesChannels")
    await this.requirePublishableKey(apiKeyId)
    const removed = await this.salesChannel_.removePublishableKeyLinks(this.pairs(apiKeyId, channelIds))
    return { removed: removed.map((l) => l.sales_channel_id) }
  }

  /** Every requested key mapped to its linked channel ids (oldest link first; [] when none). */
  async listSalesChannelIds(apiKeyIds: string[]): Promise<Record<string, string[]>> {
    const keyIds = normalizeIdList(apiKeyIds, "api key", "listSalesChannelIds")
    const result: Record<string, string[]> = Object.fromEntries(keyIds.map((id) => [id, []]))
    if (!keyIds.length) return result
    for (const link of await this.salesChannel_.listPublishableKeyLinks({ publishable_key_id: keyIds })) {
      result[link.publishable_key_id].push(link.sales_channel_id)
    }
    return result
  }

  /** Every requested key mapped to its linked channels, for responses that embed `sales_channels`. */
  async listSalesChannels(apiKeyIds: string[]): Promise<Record<string, SalesChannelDTO[]>> {
    const idsByKey = await this.listSalesChannelIds(apiKeyIds)
    const channelIds = [...new Set(Object.values(idsByKey).flat())]
    const channels = channelIds.length ? await this.salesChannel_.listSalesChannels({ id: channelIds }) : []
    const byId = new Map(channels.map((c) => [c.id, c]))
    const result: Record<string, SalesChannelDTO[]> = {}
    for (const [keyId, ids] of Object.entries(idsByKey)) {
      // A channel soft-deleted between the two reads is simply left out.
      result[keyId] = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
    }
    return result
  }

  /**
   * Removes every link of the keys (before they are deleted) and returns the removed links, so a
   * workflow's compensation can hand them to `restoreLinks`. The keys need not exist any more.
   */
  async removeAllForApiKeys(apiKeyIds: string[]): Promise<PublishableKeySalesChannelLink[]> {
    const keyIds = normalizeIdList(apiKeyIds, "api key", "removeAllForApiKeys")
    if (!keyIds.length) return []
    return this.salesChannel_.removePublishableKeyLinks({ publishable_key_id: keyIds })
  }

  /** Puts back links returned by `removeAllForApiKeys`; links to channels deleted since are skipped. */
  async restoreLinks(links: PublishableKeySalesChannelLink[]): Promise<PublishableKeySalesChannelLink[]> {
    return this.salesChannel_.restorePublishableKeyLinks(links)
  }

  private pairs(apiKeyId: string, channelIds: string[]): PublishableKeySalesChannelLink[] {
    return channelIds.map((sales_channel_id) => ({ publishable_key_id: apiKeyId, sales_channel_id }))
  }

  private async requirePublishableKey(apiKeyId: unknown): Promise<void> {
    const id = requireNonEmptyString(apiKeyId, "api key id")
    const key = await this.apiKey_.retrieveApiKey(id, { select: ["id", "type"] })
    if (key.type !== ApiKeyType.PUBLISHABLE) {
      throw invalid("Sales channels can only be associated with publishable API keys")
    }
  }
}

/** The link service, when the app runs the sales channel module beside the api key module. */
export function resolveSalesChannelLink(scope: AwilixContainer): ApiKeySalesChannelLink | undefined {
  return scope.hasRegistration(API_KEY_SALES_CHANNEL_LINK) ? scope.resolve<ApiKeySalesChannelLink>(API_KEY_SALES_CHANNEL_LINK) : undefined
}
