import { MedusaError } from "./medusa-error"
import type { FindConfig } from "../../modules/api-key/types/api-key"

/**
 * Medusa's find-config (`select`, `skip`, `take`, `order`) as MikroORM find options, for any
 * entity whose readable columns are `fields`. Shared by every module's repositories.
 */
export interface FindOptions {
  fields?: string[]
  limit?: number
  offset?: number
  orderBy: Record<string, "asc" | "desc">
}

export function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

function wholeNumber(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!Number.isInteger(value) || (value as number) < 0) throw invalid(`${name} must be a whole number of 0 or more`)
  return value as number
}

export function buildFindOptions(config: FindConfig | undefined, fields: readonly string[], sortable: readonly string[] = fields): FindOptions {
  // Oldest first, id breaking ties, so pages are stable.
  const options: FindOptions = { orderBy: { created_at: "asc", id: "asc" } }
  if (!config) return options
  if (config.select !== undefined) {
    if (!Array.isArray(config.select)) throw invalid("select expects an array of field names")
    const unknown = config.select.filter((f) => !fields.includes(f))
    if (unknown.length) throw invalid(`Cannot select ${unknown.join(", ")}; selectable fields are ${fields.join(", ")}`)
    options.fields = [...new Set(["id", ...config.select])]
  }
  options.offset = wholeNumber("skip", config.skip)
  options.limit = wholeNumber("take", config.take)
  if (config.order !== undefined) {
    if (!isPlainObject(config.order)) throw invalid('order expects an object such as { created_at: "DESC" }')
    const orderBy: Record<string, "asc" | "desc"> = {}
    for (const [field, direction] of Object.entries(config.order)) {
      if (!sortable.includes(field)) throw invalid(`Cannot order by ${field}; order by one of ${sortable.join(", ")}`)
      const dir = String(direction).toLowerCase()
      if (dir !== "asc" && dir !== "desc") throw invalid(`Order direction for ${field} must be ASC or DESC`)
      orderBy[field] = dir
    }
    options.orderBy = { ...orderBy, ...(orderBy.id ? {} : { id: "asc" }) }
  }
  return options
}
