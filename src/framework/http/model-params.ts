import { z } from "zod"
import type { ModelDefinition, NamedProperty } from "../modules-sdk/model"
import { dateFilter, findParams, stringOrList } from "./query-params"

/** What a list route's query string becomes: paging and fields, and filters for the module. */
export interface ListQuery {
  limit: number
  offset: number
  order?: string
  fields?: string
  /** `with_deleted=true`: soft-deleted records too. */
  with_deleted?: boolean
  [filter: string]: unknown
}

const booleanString = z.enum(["true", "false"]).transform((v) => v === "true")

function paramFor(property: NamedProperty): z.ZodType | undefined {
  switch (property.kind) {
    case "dateTime":
      return dateFilter
    case "boolean":
      return booleanString
    case "enum": {
      const values = z.enum(property.values as [string, ...string[]])
      return z.union([values, z.array(values)])
    }
    case "id":
    case "text":
      return stringOrList
    case "json":
      // `metadata[plan]=pro`: top-level keys by equality; query strings carry text only.
      return property.filterByKeys ? z.record(z.string(), z.string()) : undefined
    default:
      return undefined
  }
}

/**
 * The query string of a model's list route, derived from the model: `q` when it has searchable
 * fields, one filter per readable field (a value or a list; an operator map for dates, e.g.
 * `created_at[$gt]=2024-01-01`), `$and` / `$or` of such filters (`$or[0][title]=a&$or[1][title]=b`),
 * `with_deleted`, and `limit`, `offset`, `order`, `fields`. `extra` adds a route's own parameters.
 * Unknown parameters are refused, so a typo never widens a list.
 */
export function listParams(model: ModelDefinition, extra: Record<string, z.ZodType> = {}): z.ZodType<ListQuery> {
  const shape: Record<string, z.ZodType> = {}
  if (model.fields.searchable.length) shape.q = z.string().optional()
  for (const property of model.fields.properties) {
    const param = property.hidden ? undefined : paramFor(property)
    if (param) shape[property.name] = param.optional()
  }
  const filters: z.ZodType = z.lazy(() => z.strictObject({ ...shape, $and: z.array(filters).optional(), $or: z.array(filters).optional() }))
  return z.strictObject({
    ...shape,
    $and: z.array(filters).optional(),
    $or: z.array(filters).optional(),
    with_deleted: booleanString.optional(),
    ...extra,
    ...findParams,
  }) as unknown as z.ZodType<ListQuery>
}

/** The query string of a route that answers with one record: only which `fields` to return. */
export const retrieveParams = z.strictObject({ fields: findParams.fields })
export type RetrieveQuery = z.output<typeof retrieveParams>
