import type { FilterQuery } from "@mikro-orm/core"
import type { ModelDefinition, NamedProperty } from "../model"
import { invalid, isPlainObject } from "../errors"
import { assertPlainText, isStorableDate } from "./input"

/**
 * Medusa-style filters (`{ id: ["a", "b"], q: "web", created_at: { $gt: date }, $or: […] }`) as a
 * MikroORM condition, for any model: the fields and their operators come from the model. Anything
 * not understood is refused with `invalid_data` naming it: a typo must never silently widen a
 * query (a widened `delete` or `revoke` selector would hit every row).
 */

/** A module's own rule for one field: turns the checked condition into the query part to use. */
export type FilterRule = (condition: unknown) => Record<string, unknown>

const STRING_OPERATORS = ["$eq", "$ne", "$in", "$nin", "$like", "$ilike"]
const ORDERED_OPERATORS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]

const OPERATORS_BY_KIND: Record<NamedProperty["kind"], string[]> = {
  id: STRING_OPERATORS,
  text: STRING_OPERATORS,
  enum: ["$eq", "$ne", "$in", "$nin"],
  dateTime: ORDERED_OPERATORS,
  number: ORDERED_OPERATORS,
  boolean: ["$eq", "$ne"],
  json: [],
}

const LIST_OPERATORS = new Set(["$in", "$nin"])

function describe(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value)
}

function checkValue(property: NamedProperty, value: unknown): unknown {
  const field = property.name
  switch (property.kind) {
    case "dateTime": {
      const date = value instanceof Date ? value : typeof value === "string" || typeof value === "number" ? new Date(value) : null
      if (!date || !isStorableDate(date)) throw invalid(`Filter ${field} expects a date in the years 0 to 9999, got ${describe(value)}`)
      return date
    }
    case "boolean":
      if (typeof value !== "boolean") throw invalid(`Filter ${field} expects true or false, got ${describe(value)}`)
      return value
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`Filter ${field} expects a number, got ${describe(value)}`)
      return value
    case "enum": {
      const values = property.values ?? []
      if (typeof value !== "string" || !values.includes(value)) {
        const allowed = values.map((v) => JSON.stringify(v))
        const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}` : allowed.join("")
        throw invalid(`Filter ${field} must be ${list}, got ${describe(value)}`)
      }
      return value
    }
    default:
      if (typeof value !== "string") throw invalid(`Filter ${field} expects a string or an array of strings, got ${describe(value)}`)
      return assertPlainText(value, `Filter ${field}`)
  }
}

function fieldCondition(property: NamedProperty, value: unknown): unknown {
  const field = property.name
  const allowed = property.operators ?? OPERATORS_BY_KIND[property.kind]
  if (value === null) {
    if (!property.nullable) throw invalid(`Filter ${field} cannot be null`)
    return null
  }
  if (Array.isArray(value)) {
    if (!allowed.includes("$in")) throw invalid(`Filter ${field} does not take a list`)
    return { $in: value.map((v) => checkValue(property, v)) }
  }
  if (!isPlainObject(value)) {
    if (!allowed.includes("$eq")) throw invalid(`Filter ${field} needs an operator: use one of ${allowed.join(", ")}`)
    return checkValue(property, value)
  }
  const condition: Record<string, unknown> = {}
  for (const [op, operand] of Object.entries(value)) {
    if (!OPERATORS_BY_KIND[property.kind].includes(op)) {
      throw invalid(`Unsupported operator ${op} on filter ${field}; use one of ${allowed.join(", ")}`)
    }
    if (!allowed.includes(op)) throw invalid(`Operator ${op} is not allowed on filter ${field}; use one of ${allowed.join(", ")}`)
    if (LIST_OPERATORS.has(op)) {
      if (!Array.isArray(operand)) throw invalid(`Operator ${op} on filter ${field} expects an array`)
      condition[op] = operand.map((v) => checkValue(property, v))
    } else if (operand === null && (op === "$eq" || op === "$ne")) {
      condition[op] = null
    } else {
      condition[op] = checkValue(property, operand)
    }
  }
  return condition
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function filterableFields(model: ModelDefinition): NamedProperty[] {
  return model.fields.properties.filter((p) => !p.hidden && (p.kind !== "json" || p.filterByKeys))
}

/**
 * A json column filtered by its top-level keys: `{ metadata: { plan: "pro", seats: 3 } }` matches
 * rows whose metadata has each key with exactly that value (a string, number or boolean).
 */
function keysCondition(property: NamedProperty, value: unknown): Record<string, unknown> {
  const field = property.name
  const example = `{ ${field}: { plan: "pro" } }`
  if (!isPlainObject(value) || !Object.keys(value).length) throw invalid(`Filter ${field} expects an object of top-level keys and values, e.g. ${example}; got ${describe(value)}`)
  for (const [key, expected] of Object.entries(value)) {
    if (key.startsWith("$")) throw invalid(`Filter ${field} matches top-level keys by equality only; operator ${key} is not supported`)
    if (!["string", "number", "boolean"].includes(typeof expected) || (typeof expected === "number" && !Number.isFinite(expected))) {
      throw invalid(`Filter ${field}.${key} expects a string, number or boolean, got ${describe(expected)}`)
    }
  }
  return value
}

export function buildWhere(model: ModelDefinition, filters: unknown, rules: Record<string, FilterRule> = {}): FilterQuery<any> {
  if (filters === undefined || filters === null) return {}
  if (!isPlainObject(filters)) throw invalid(`Filters must be an object, e.g. { id: "${model.fields.idPrefix ?? "id"}_…" }`)
  const parts: Record<string, unknown>[] = []
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) throw invalid(`${key} expects an array of filters`)
      parts.push({ [key]: value.map((f) => buildWhere(model, f, rules)) })
      continue
    }
    const { searchable } = model.fields
    if (key === "q" && searchable.length) {
      if (typeof value !== "string") throw invalid(`Filter q expects a string, got ${describe(value)}`)
      assertPlainText(value, "Filter q")
      parts.push({ $or: searchable.map((field) => ({ [field]: { $ilike: likePattern(value) } })) })
      continue
    }
    const property = model.fields.byName.get(key)
    if (!property || property.hidden || (property.kind === "json" && !property.filterByKeys)) {
      const names = [...(searchable.length ? ["q"] : []), ...filterableFields(model).map((p) => p.name), "$and", "$or"]
      throw invalid(`Unknown filter ${key}; filter ${model.humanPluralName} by ${names.join(", ")}`)
    }
    const condition = property.kind === "json" ? keysCondition(property, value) : fieldCondition(property, value)
    parts.push(rules[key] ? rules[key](condition) : { [key]: condition })
  }
  if (parts.length === 0) return {}
  if (parts.length === 1) return parts[0] as FilterQuery<any>
  return { $and: parts } as FilterQuery<any>
}
