import { SALES_CHANNEL_FIELDS, type SalesChannel } from "../models/sales-channel"
import type { SalesChannelDTO } from "../types"

/** The one place a row becomes what readers see; with `select`, only the selected fields. */
export function toSalesChannelDTO(row: SalesChannel, select?: readonly string[]): SalesChannelDTO {
  const dto: Record<string, unknown> = {}
  for (const field of select ?? SALES_CHANNEL_FIELDS) {
    dto[field] = (row as unknown as Record<string, unknown>)[field] ?? null
  }
  return dto as unknown as SalesChannelDTO
}
