import type { AwilixContainer } from "awilix"
import { salesChannelService } from "../../utils"

/** `fields=id,name` → the columns to read; the service refuses unknown names. */
export function selectFields(fields: string | undefined): string[] | undefined {
  const names = fields?.split(",").map((f) => f.trim()).filter(Boolean)
  return names?.length ? names : undefined
}

export async function refetchSalesChannel(scope: AwilixContainer, id: string, fields: string | undefined) {
  return salesChannelService(scope).retrieveSalesChannel(id, { select: selectFields(fields) as never })
}
