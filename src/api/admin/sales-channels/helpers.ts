import type { AwilixContainer } from "awilix"
import { ContainerRegistrationKeys } from "../../../framework/modules-sdk/app"
import { Modules } from "../../../framework/modules-sdk/definitions"
import type { Link } from "../../../framework/modules-sdk/links"
import { salesChannelService } from "../../utils"

/** `fields=id,name` → the columns to read; the service refuses unknown names. */
export function selectFields(fields: string | undefined): string[] | undefined {
  const names = fields?.split(",").map((f) => f.trim()).filter(Boolean)
  return names?.length ? names : undefined
}

export async function refetchSalesChannel(scope: AwilixContainer, id: string, fields: string | undefined) {
  return salesChannelService(scope).retrieveSalesChannel(id, { select: selectFields(fields) as never })
}

/** The ids of the channels linked to these publishable keys (through the link service). */
export async function salesChannelIdsLinkedTo(scope: AwilixContainer, keyIds: string | string[]): Promise<string[]> {
  const link = scope.resolve<Link | undefined>(ContainerRegistrationKeys.LINK)
  if (!link) return []
  const rows = await link.list({ [Modules.API_KEY]: { publishable_key_id: Array.isArray(keyIds) ? keyIds : [keyIds] } })
  return [...new Set(rows.map((row) => row[Modules.SALES_CHANNEL].sales_channel_id))]
}
