import type { AwilixContainer } from "awilix"
import { ContainerRegistrationKeys } from "../../../framework/modules-sdk/app"
import { Modules } from "../../../framework/modules-sdk/definitions"
import type { Link } from "../../../framework/modules-sdk/links"
import { queryFields } from "../../../framework/http/fields"
import { SalesChannel } from "../../../modules/sales-channel"
import { queryOne, queryRecords, type ListOptions } from "../../utils"

/**
 * The Query fields of a sales channel response: Medusa's `fields` semantics; the linked keys are
 * reachable as `publishable_api_keys` (`fields=*publishable_api_keys`) when the link exists.
 */
export function salesChannelQueryFields(scope: AwilixContainer, fields: string | undefined): string[] {
  const linked = scope.hasRegistration(ContainerRegistrationKeys.LINK) && !!scope.resolve(ContainerRegistrationKeys.LINK)
  return queryFields(fields, { model: SalesChannel, relations: linked ? ["publishable_api_keys"] : [] })
}

export function querySalesChannels(
  scope: AwilixContainer,
  fields: string | undefined,
  filters: Record<string, unknown>,
  options: ListOptions = {}
): Promise<{ data: Record<string, unknown>[]; count: number }> {
  return queryRecords(scope, SalesChannel.tableName, salesChannelQueryFields(scope, fields), filters, options)
}

/** One channel as the admin routes return it, or undefined (each route words its own 404). */
export function refetchSalesChannel(scope: AwilixContainer, id: string, fields: string | undefined): Promise<Record<string, unknown> | undefined> {
  return queryOne(scope, SalesChannel.tableName, id, salesChannelQueryFields(scope, fields))
}

/** The ids of the channels linked to these publishable keys (through the link service). */
export async function salesChannelIdsLinkedTo(scope: AwilixContainer, keyIds: string | string[]): Promise<string[]> {
  const link = scope.resolve<Link | undefined>(ContainerRegistrationKeys.LINK)
  if (!link) return []
  const rows = await link.list({ [Modules.API_KEY]: { publishable_key_id: Array.isArray(keyIds) ? keyIds : [keyIds] } })
  return [...new Set(rows.map((row) => row[Modules.SALES_CHANNEL].sales_channel_id))]
}
