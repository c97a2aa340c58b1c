import type { AwilixContainer } from "awilix"
import { Modules } from "../../modules-sdk/definitions"
import type { ApiKeyModuleService } from "../../services/api-key-module-service"

/** What steps need from the sales-channel link; present only when that module is loaded. */
export interface SalesChannelLinkLike {
  addSalesChannels(apiKeyId: string, salesChannelIds: string[]): Promise<{ added: string[] }>
  removeSalesChannels(apiKeyId: string, salesChannelIds: string[]): Promise<{ removed: string[] }>
  listSalesChannelIds(apiKeyIds: string[]): Promise<Record<string, string[]>>
  removeAllForApiKeys(apiKeyIds: string[]): Promise<{ publishable_key_id: string; sales_channel_id: string }[]>
  restoreLinks(links: { publishable_key_id: string; sales_channel_id: string }[]): Promise<unknown>
}

export const SALES_CHANNEL_LINK_KEY = "apiKeySalesChannelLink"

export function apiKeyService(container: AwilixContainer): ApiKeyModuleService {
  return container.resolve<ApiKeyModuleService>(Modules.API_KEY)
}

export function salesChannelLink(container: AwilixContainer): SalesChannelLinkLike | undefined {
  return container.hasRegistration(SALES_CHANNEL_LINK_KEY) ? container.resolve<SalesChannelLinkLike>(SALES_CHANNEL_LINK_KEY) : undefined
}
