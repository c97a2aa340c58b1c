import type { ModelDefinition, NamedProperty } from "../model"
import { invalid, isPlainObject } from "../errors"

/** Input checks of the generated service methods: each error names the field and what it needs. */

export function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`
}

function got(value: unknown): string {
  return value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`
}

/** C0 control characters and DEL; a tab is allowed in free text. PostgreSQL refuses NUL outright. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000A-\u001F\u007F]/

/** Refuses text a client cannot have meant (NUL and other control characters), before any query. */
export function assertPlainText(value: string, field: string, where = ""): string {
  const found = CONTROL_CHARACTER.exec(value)
  if (found) {
    const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")
    throw invalid(`${field} must not contain control characters${where}; found U+${code}`)
  }
  return value
}

export function requireNonEmptyString(value: unknown, field: string, where = ""): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(`${field} must be a non-empty string${where}; ${got(value)}`)
  }
  return assertPlainText(value, field, where)
}

/** The longest id any record can have (Medusa's are a prefix and a 26-character ULID). */
export const MAX_ID_LENGTH = 128

/** Whether `id` could name a record: a caller asking for anything else gets not_found without a query. */
export function isPlausibleId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && !CONTROL_CHARACTER.test(id)
}

/** Dates PostgreSQL and every client agree on: years 0 to 9999. */
export function isStorableDate(date: Date): boolean {
  if (Number.isNaN(date.getTime())) return false
  const year = date.getUTCFullYear()
  return year >= 0 && year <= 9999
}

/** One id or a list of them, without repeats. */
export function normalizeIds(model: ModelDefinition, ids: unknown, method: string): string[] {
  const list = Array.isArray(ids) ? ids : [ids]
  for (const id of list) {
    if (typeof id !== "string" || id === "") {
      throw invalid(`${method} expects ${article(model.humanName)} id or an array of ids; got ${JSON.stringify(id)}`)
    }
  }
  return [...new Set(list as string[])]
}

/** A value for one column, checked against the model's declaration. */
function checkField(property: NamedProperty, value: unknown, where: string): unknown {
  const field = property.name
  if (value === null && property.nullable) return null
  switch (property.kind) {
    case "boolean":
      if (typeof value !== "boolean") throw invalid(`${field} must be true or false${where}; ${got(value)}`)
      return value
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${field} must be a number${where}; ${got(value)}`)
      return value
    case "dateTime": {
      const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null
      if (!date || !isStorableDate(date)) throw invalid(`${field} must be a date in the years 0 to 9999${where}; ${got(value)}`)
      return date
    }
    case "enum":
      if (typeof value !== "string" || !property.values?.includes(value)) {
        throw invalid(`${field} must be one of ${property.values?.map((v) => JSON.stringify(v)).join(", ")}${where}; ${got(value)}`)
      }
      return value
    case "json":
      if (!isPlainObject(value)) throw invalid(`${field} must be an object${where}; ${got(value)}`)
      return value
    default:
      if (property.nullable) {
        if (typeof value !== "string") throw invalid(`${field} must be a string or null${where}; ${got(value)}`)
        return assertPlainText(value, field, where)
      }
      return requireNonEmptyString(value, field, where)
  }
}

/** Refuses fields the model does not store, rather than dropping them without a word. */
function assertKnownFields(model: ModelDefinition, data: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(data).filter((k) => !allowed.includes(k) && data[k] !== undefined)
  if (unknown.length) {
    throw invalid(`Unknown field ${unknown.join(", ")}${where}; ${article(model.humanName)} has ${model.fields.writable.join(", ")}`)
  }
}

/** A row to insert: every required field present, every given field valid, defaults filled in. */
export function validateCreateInput(model: ModelDefinition, data: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(data)) throw invalid(`Each ${model.humanName} to create must be an object${where}`)
  assertKnownFields(model, data, model.fields.writable, where)
  const row: Record<string, unknown> = {}
  for (const name of model.fields.writable) {
    const property = model.fields.byName.get(name)!
    const value = data[name]
    if (value === undefined) {
      if (property.hasDefault) row[name] = property.defaultValue
      else if (property.nullable) row[name] = null
      else checkField(property, value, where)
      continue
    }
    row[name] = checkField(property, value, where)
  }
  return row
}

/** The changes of one update: only the fields given, each checked. `id` may name the row. */
export function validateUpdateInput(model: ModelDefinition, data: unknown, where: string, allowId: boolean): Record<string, unknown> {
  if (!isPlainObject(data)) throw invalid(`The update must be an object of the fields to change${where}`)
  const { primaryKey, writable } = model.fields
  assertKnownFields(model, data, allowId ? [...writable, primaryKey] : writable, where)
  const changes: Record<string, unknown> = {}
  for (const name of writable) {
    if (data[name] !== undefined) changes[name] = checkField(model.fields.byName.get(name)!, data[name], where)
  }
  return changes
}
