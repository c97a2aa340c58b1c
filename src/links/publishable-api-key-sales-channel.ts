import { defineLink } from "../framework/modules-sdk/links"
import apiKeyModule from "../modules/api-key"
import salesChannelModule from "../modules/sales-channel"

/**
 * Medusa's link between publishable API keys and sales channels, in Medusa's table. From a key,
 * Query reaches its channels as `sales_channels`; from a channel, its keys as
 * `publishable_api_keys`. That only publishable keys may be linked is a rule of the workflow
 * that links them, not of the table.
 */
export default defineLink(
  { linkable: apiKeyModule.linkable.apiKey.publishable_key_id, isList: true, alias: "publishable_api_keys" },
  { linkable: salesChannelModule.linkable.salesChannel, isList: true },
  { database: { table: "publishable_api_key_sales_channel", idPrefix: "pksc" } }
)
