import type { AwilixContainer } from "awilix"
import { notFound } from "../../../framework/modules-sdk/errors"
import { isPlausibleId } from "../../../framework/modules-sdk/service"
import { ApiKey, type ApiKeyDTO } from "../../../modules/api-key"
import { hasSalesChannels, queryService } from "../../utils"
import { parseApiKeyFields, toQueryFields } from "./query-config"

/**
 * Keys as the admin API returns them: the fields the client asked for (`fields`), with the linked
 * sales channels embedded (`sales_channels`, [] for a key without any; left out when the app has
 * no sales channel module), read through Query as Medusa's routes read them.
 */

export async function queryApiKeys(
  scope: AwilixContainer,
  fields: string | undefined,
  filters: Record<string, unknown>,
  pagination?: { skip?: number; take?: number; order?: Record<string, "ASC" | "DESC"> },
  withDeleted?: boolean
): Promise<{ data: Record<string, unknown>[]; count: number }> {
  const selection = parseApiKeyFields(fields)
  const { data, metadata } = await queryService(scope).graph({
    entity: ApiKey.tableName,
    fields: toQueryFields(selection, hasSalesChannels(scope)),
    filters,
    pagination,
    withDeleted,
  })
  return { data, count: metadata?.count ?? data.length }
}

/** One key read back after a change; not_found with Medusa's message when it does not exist. */
export async function refetchApiKey(scope: AwilixContainer, id: string, fields: string | undefined): Promise<Record<string, unknown>> {
  if (!isPlausibleId(id)) throw notFound(ApiKey.name, [id])
  const { data } = await queryApiKeys(scope, fields, { id })
  if (!data[0]) throw notFound(ApiKey.name, [id])
  return data[0]
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
