import type { FilterQuery, QueryOrderMap } from "@mikro-orm/core"
import { API_KEY_PUBLIC_FIELDS, ApiKeyType, type ApiKey } from "../models/api-key"
import { buildFindOptions, invalid, isPlainObject, type FindOptions } from "../../../framework/modules-sdk/find-config"
import type { ApiKeyFindConfig, FilterableApiKeyProps } from "../types/api-key"

/**
 * Turns Medusa-style filters and find-config into MikroORM query parts, rejecting anything it
 * does not understand with an `invalid_data` error that names the offending key: a typo in a
 * filter must never silently widen a query (a widened `delete` selector would remove keys).
 */

const STRING_FIELDS = new Set(["id", "title", "token", "redacted", "type", "created_by", "revoked_by"])
const DATE_FIELDS = new Set(["created_at", "updated_at", "revoked_at", "last_used_at", "deleted_at"])
const NULLABLE_FIELDS = new Set(["revoked_by", "revoked_at", "last_used_at", "deleted_at"])
const STRING_OPERATORS = new Set(["$eq", "$ne", "$in", "$nin", "$like", "$ilike"])
/**
 * For secret keys the `token` column holds the scrypt hash: only exact matches are allowed, and
 * only publishable keys can match, so no filter or sort can probe a stored hash.
 */
const TOKEN_OPERATORS = new Set(["$eq", "$in"])
const UNSORTABLE_FIELDS = new Set(["token"])
const DATE_OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"])

function toDate(field: string, value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === "string" || typeof value === "number" ? new Date(value) : null
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(`Filter ${field} expects a date, got ${JSON.stringify(value)}`)
  }
  return date
}

function stringValue(field: string, value: unknown): string {
  if (typeof value !== "string") {
    throw invalid(`Filter ${field} expects a string, got ${JSON.stringify(value)}`)
  }
  return value
}

function stringCondition(field: string, value: unknown): unknown {
  if (value === null) {
    if (!NULLABLE_FIELDS.has(field)) throw invalid(`Filter ${field} cannot be null`)
    return null
  }
  if (Array.isArray(value)) {
    return { $in: value.map((v) => stringValue(field, v)) }
  }
  if (isPlainObject(value)) {
    const condition: Record<string, unknown> = {}
    for (const [op, operand] of Object.entries(value)) {
      if (!STRING_OPERATORS.has(op)) {
        throw invalid(`Unsupported operator ${op} on filter ${field}; use one of ${[...STRING_OPERATORS].join(", ")}`)
      }
      if (op === "$in" || op === "$nin") {
        if (!Array.isArray(operand)) throw invalid(`Operator ${op} on filter ${field} expects an array`)
        condition[op] = operand.map((v) => stringValue(field, v))
      } else {
        condition[op] = operand === null && (op === "$eq" || op === "$ne") ? null : stringValue(field, operand)
      }
    }
    return condition
  }
  return stringValue(field, value)
}

function dateCondition(field: string, value: unknown): unknown {
  if (value === null) {
    if (!NULLABLE_FIELDS.has(field)) throw invalid(`Filter ${field} cannot be null`)
    return null
  }
  if (!isPlainObject(value)) {
    return toDate(field, value)
  }
  const condition: Record<string, unknown> = {}
  for (const [op, operand] of Object.entries(value)) {
    if (!DATE_OPERATORS.has(op)) {
      throw invalid(`Unsupported operator ${op} on filter ${field}; use one of ${[...DATE_OPERATORS].join(", ")}`)
    }
    if (op === "$in" || op === "$nin") {
      if (!Array.isArray(operand)) throw invalid(`Operator ${op} on filter ${field} expects an array`)
      condition[op] = operand.map((v) => toDate(field, v))
    } else if (operand === null && (op === "$eq" || op === "$ne")) {
      condition[op] = null
    } else {
      condition[op] = toDate(field, operand)
    }
  }
  return condition
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

export function buildApiKeyWhere(filters: FilterableApiKeyProps | undefined): FilterQuery<ApiKey> {
  if (filters === undefined || filters === null) {
    return {}
  }
  if (!isPlainObject(filters)) {
    throw invalid("Filters must be an object, e.g. { type: \"secret\" }")
  }
  const parts: Record<string, unknown>[] = []
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) throw invalid(`${key} expects an array of filters`)
      parts.push({ [key]: value.map((f) => buildApiKeyWhere(f as FilterableApiKeyProps)) })
    } else if (key === "q") {
      if (typeof value !== "string") throw invalid("Filter q expects a string")
      const pattern = `%${escapeLike(value)}%`
      parts.push({ $or: [{ title: { $ilike: pattern } }, { redacted: { $ilike: pattern } }] })
    } else if (key === "type") {
      const condition = stringCondition(key, value)
      assertKnownTypes(condition)
      parts.push({ type: condition })
    } else if (key === "token") {
      const condition = stringCondition(key, value)
      const operators = condition !== null && typeof condition === "object" ? Object.keys(condition) : []
      const refused = operators.filter((op) => !TOKEN_OPERATORS.has(op))
      if (condition === null || refused.length) {
        throw invalid(`Filter token only takes a token or a list of tokens (exact matches)${refused.length ? `; ${refused.join(", ")} is not allowed` : ""}`)
      }
      parts.push({ token: condition, type: ApiKeyType.PUBLISHABLE })
    } else if (STRING_FIELDS.has(key)) {
      parts.push({ [key]: stringCondition(key, value) })
    } else if (DATE_FIELDS.has(key)) {
      parts.push({ [key]: dateCondition(key, value) })
    } else {
      throw invalid(`Unknown filter ${key}; filter by q, ${[...STRING_FIELDS, ...DATE_FIELDS].join(", ")}, $and or $or`)
    }
  }
  if (parts.length === 0) return {}
  if (parts.length === 1) return parts[0] as FilterQuery<ApiKey>
  return { $and: parts } as FilterQuery<ApiKey>
}

function assertKnownTypes(condition: unknown): void {
  const values = typeof condition === "string" ? [condition] : isPlainObject(condition) ? Object.values(condition).flat() : []
  const known: string[] = Object.values(ApiKeyType)
  for (const value of values) {
    if (typeof value === "string" && !known.includes(value)) {
      throw invalid(`Filter type must be "publishable" or "secret", got "${value}"`)
    }
  }
}

export type ApiKeyQueryOptions = Omit<FindOptions, "orderBy"> & { orderBy: QueryOrderMap<ApiKey> }

export function buildApiKeyQueryOptions(config: ApiKeyFindConfig | undefined): ApiKeyQueryOptions {
  const sortable = API_KEY_PUBLIC_FIELDS.filter((field) => !UNSORTABLE_FIELDS.has(field))
  const options = buildFindOptions(config, API_KEY_PUBLIC_FIELDS, sortable) as ApiKeyQueryOptions
  // `type` decides whether `token` may be shown, so it is read whenever `token` is.
  if (options.fields?.includes("token") && !options.fields.includes("type")) {
    options.fields.push("type")
  }
  return options
}
