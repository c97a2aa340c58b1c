import type { AwilixContainer } from "awilix"
import { ApiKey, type ApiKeyDTO } from "../../../modules/api-key"
import { hasSalesChannels, queryOne, queryRecords, queryService, routeNotFound, type ListOptions } from "../../utils"
import { apiKeyQueryFields } from "./query-config"

/**
 * Keys as the admin API returns them: the fields the client asked for (`fields`), with the linked
 * sales channels embedded (`sales_channels`, [] for a key without any; left out when the app has
 * no sales channel module), read through Query as Medusa's routes read them.
 */

export function queryApiKeys(
  scope: AwilixContainer,
  fields: string | undefined,
  filters: Record<string, unknown>,
  options: ListOptions = {}
): Promise<{ data: Record<string, unknown>[]; count: number }> {
  return queryRecords(scope, ApiKey.tableName, apiKeyQueryFields(fields, hasSalesChannels(scope)), filters, options)
}

/** One key as the admin routes return it; not_found worded as Medusa's `GET /admin/api-keys/:id`. */
export async function refetchApiKey(scope: AwilixContainer, id: string, fields: string | undefined): Promise<Record<string, unknown>> {
  const key = await queryOne(scope, ApiKey.tableName, id, apiKeyQueryFields(fields, hasSalesChannels(scope)))
  if (!key) throw routeNotFound(`API Key with id: ${id} was not found`)
  return key
}

/**
 * A key just created or rolled, as the create response shows it: with its raw token (this
 * response is the only place it ever appears, so it is not read back) and its sales channels.
 */
export async function withSalesChannels(scope: AwilixContainer, key: ApiKeyDTO): Promise<Record<string, unknown>> {
  if (!hasSalesChannels(scope)) return key
  const { data } = await queryService(scope).graph({ entity: ApiKey.tableName, fields: ["id", "sales_channels.*"], filters: { id: key.id } })
  return { ...key, sales_channels: data[0]?.sales_channels ?? [] }
}
