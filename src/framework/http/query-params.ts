import { z } from "zod"
import { isStorableDate } from "../modules-sdk/service/input"

/**
 * Building blocks for list endpoints' query strings, as Medusa's admin API reads them. The app
 * parses query strings with qs ("extended"), so `created_at[$gt]=2024-01-01` arrives as
 * `{ created_at: { $gt: "2024-01-01" } }` and `id=a&id=b` as `{ id: ["a", "b"] }`.
 */

const dateValue = z.string().transform((text, ctx) => {
  const date = new Date(text)
  if (!isStorableDate(date)) {
    ctx.addIssue({ code: "custom", message: `expected a date in the years 0 to 9999 such as 2024-01-31 or 2024-01-31T12:00:00Z, got '${text.slice(0, 64)}'` })
    return z.NEVER
  }
  return date
})

const dateList = z.preprocess((value) => (typeof value === "string" ? [value] : value), z.array(dateValue))

/**
 * "No date": an empty `$eq` / `$ne` (`revoked_at[$eq]=`, or a bare `revoked_at=`) is null, the
 * way qs (and the SDK) write a null, so a list can ask for keys that were never revoked. The
 * service refuses it on a column that cannot be null.
 */
const dateOrNone = z.union([z.literal("").transform(() => null), dateValue])

/** `created_at=…` (equality) or an operator map: `created_at[$gt]=…&created_at[$lte]=…`. */
export const dateFilter = z.preprocess(
  (value) => (typeof value === "string" ? { $eq: value } : value),
  z.strictObject({
    $eq: dateOrNone.optional(),
    $ne: dateOrNone.optional(),
    $gt: dateValue.optional(),
    $gte: dateValue.optional(),
    $lt: dateValue.optional(),
    $lte: dateValue.optional(),
    $in: dateList.optional(),
    $nin: dateList.optional(),
  })
)

/** `id=a` or `id=a&id=b` (or `id[]=a&id[]=b`): one value or a list, matched with IN. */
export const stringOrList = z.union([z.string(), z.array(z.string())], { error: "expected a value or a list of values" })

const nonNegativeInteger = z.coerce.number().int().min(0)

/** limit/offset/order/fields, with Medusa's defaults (20 per page from the start). */
export const findParams = {
  limit: nonNegativeInteger.default(20),
  offset: nonNegativeInteger.default(0),
  /** A field name, `-field` for descending; several separated by commas. */
  order: z.string().optional(),
  /** A comma-separated list of fields to return. */
  fields: z.string().optional(),
}

export type OrderDirection = "ASC" | "DESC"

/** `-created_at,title` → `{ created_at: "DESC", title: "ASC" }`. Field names are checked by the service. */
export function parseOrder(order: string | undefined): Record<string, OrderDirection> | undefined {
  if (!order) return undefined
  const result: Record<string, OrderDirection> = {}
  for (const part of order.split(",").map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith("-")) result[part.slice(1)] = "DESC"
    else result[part.replace(/^\+/, "")] = "ASC"
  }
  return Object.keys(result).length ? result : undefined
}

/** Drops undefined entries so filters only carry what the client asked for. */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
