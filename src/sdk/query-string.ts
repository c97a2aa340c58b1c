/**
 * Query strings in the bracket syntax the server's extended (qs) parser reads:
 * `{ created_at: { $gt: date } }` → `created_at[$gt]=2024-01-01T00:00:00.000Z`,
 * `{ id: ["a", "b"] }` → `id[]=a&id[]=b`, `{ $or: [{ title: "a" }] }` → `$or[0][title]=a`.
 * Written here rather than taken from `qs` so the SDK has no runtime dependency at all.
 */

type Pair = [key: string, value: string]

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

function scalar(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}

function collect(key: string, value: unknown, pairs: Pair[]): void {
  if (value === undefined) return
  // As qs.stringify does: a null becomes an empty value. The server reads an empty date `$eq`/`$ne`
  // as null (`revoked_at: { $eq: null }`: never revoked); elsewhere it says what it expected.
  if (value === null) {
    pairs.push([key, ""])
  } else if (Array.isArray(value)) {
    // Lists of values use `key[]`; lists of objects need their index to keep each object's fields together.
    const nested = value.some((item) => isPlainObject(item) || Array.isArray(item))
    value.forEach((item, index) => collect(nested ? `${key}[${index}]` : `${key}[]`, item, pairs))
  } else if (isPlainObject(value)) {
    for (const [child, childValue] of Object.entries(value)) collect(`${key}[${child}]`, childValue, pairs)
  } else {
    pairs.push([key, scalar(value)])
  }
}

/** The encoded query string (without `?`) of `params`; "" when there is nothing to send. */
export function toQueryString(params: Record<string, unknown> | undefined): string {
  if (!params) return ""
  const pairs: Pair[] = []
  for (const [key, value] of Object.entries(params)) collect(key, value, pairs)
  return pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")
}
