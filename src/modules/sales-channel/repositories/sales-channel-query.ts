import type { FilterQuery } from "@mikro-orm/core"
import type { SalesChannel } from "../models/sales-channel"
import type { FilterableSalesChannelProps } from "../types"
import { invalid, isPlainObject } from "../../../framework/modules-sdk/find-config"

/**
 * Sales channel filters as a MikroORM condition. Unknown filters are refused with
 * `invalid_data`: a typo must never silently widen a query (a widened selector would update
 * every channel).
 */
const FILTERS = ["id", "name", "q", "is_disabled"]

function oneOrManyStrings(field: string, value: unknown): string | { $in: string[] } {
  const values = Array.isArray(value) ? value : [value]
  for (const v of values) {
    if (typeof v !== "string") throw invalid(`Filter ${field} expects a string or an array of strings, got ${JSON.stringify(v)}`)
  }
  return Array.isArray(value) ? { $in: value as string[] } : (value as string)
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function buildSalesChannelWhere(filters: FilterableSalesChannelProps | undefined): FilterQuery<SalesChannel> {
  if (filters === undefined || filters === null) return {}
  if (!isPlainObject(filters)) throw invalid('Filters must be an object, e.g. { name: "Web" }')
  const where: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue
    if (key === "id" || key === "name") {
      where[key] = oneOrManyStrings(key, value)
    } else if (key === "q") {
      if (typeof value !== "string") throw invalid(`Filter q expects a string, got ${JSON.stringify(value)}`)
      const pattern = likePattern(value)
      where.$or = [{ name: { $ilike: pattern } }, { description: { $ilike: pattern } }]
    } else if (key === "is_disabled") {
      if (typeof value !== "boolean") throw invalid(`Filter is_disabled expects true or false, got ${JSON.stringify(value)}`)
      where.is_disabled = value
    } else {
      throw invalid(`Unknown filter ${key}; filter sales channels by ${FILTERS.join(", ")}`)
    }
  }
  return where as FilterQuery<SalesChannel>
}
