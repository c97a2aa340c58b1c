import type { ModelDefinition } from "../model"
import { invalid, isPlainObject } from "../errors"

/** Medusa's find-config: which fields, which page, which order, and whether soft-deleted rows count. */
export interface FindConfig<TField extends string = string> {
  select?: TField[]
  skip?: number
  take?: number | null
  order?: Partial<Record<TField, "ASC" | "DESC" | "asc" | "desc">>
  withDeleted?: boolean
  relations?: string[]
}

/** A find-config as query options, checked against the model's readable and sortable fields. */
export interface FindOptions {
  fields?: string[]
  limit?: number
  offset?: number
  orderBy: Record<string, "asc" | "desc">
  withDeleted: boolean
}

function wholeNumber(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!Number.isInteger(value) || (value as number) < 0) throw invalid(`${name} must be a whole number of 0 or more`)
  return value as number
}

export function buildFindOptions(model: ModelDefinition, config: FindConfig | undefined): FindOptions {
  const { readable, sortable, primaryKey } = model.fields
  // Oldest first, the primary key breaking ties, so pages are stable.
  const options: FindOptions = { orderBy: { created_at: "asc", [primaryKey]: "asc" }, withDeleted: !!config?.withDeleted }
  if (!config) return options
  if (!isPlainObject(config)) throw invalid("The find config must be an object such as { select, skip, take, order }")
  if (config.select !== undefined) {
    if (!Array.isArray(config.select)) throw invalid("select expects an array of field names")
    const unknown = config.select.filter((f) => !readable.includes(f))
    if (unknown.length) throw invalid(`Cannot select ${unknown.join(", ")}; selectable fields are ${readable.join(", ")}`)
    options.fields = [...new Set([primaryKey, ...config.select])]
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
    options.orderBy = { ...orderBy, ...(orderBy[primaryKey] ? {} : { [primaryKey]: "asc" }) }
  }
  return options
}
