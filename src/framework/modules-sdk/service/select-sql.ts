import type { EntityManager } from "@mikro-orm/postgresql"
import { selectRows } from "../database"
import type { ModelDefinition } from "../model"

/**
 * Plain reads without MikroORM's query builder. The conditions the generic base and the modules
 * build — `{ field: value | null | [values] | { $op: operand } }`, `$and`, `$or` — compile here
 * straight to SQL with `?` placeholders; it runs on the pool the query builder uses (in the
 * caller's transaction, values escaped by MikroORM as it escapes the builder's; see selectRows),
 * and the rows are mapped to properties as the builder maps them. The builder spends about 180 µs
 * of CPU turning a read by id into that SQL, which made it the largest cost of an admin route
 * that reads one record. Anything outside this small language (another operator, an empty `$and`
 * / `$or`, a lock, an unknown column) compiles to undefined and the repository asks the builder
 * instead, so every condition keeps MikroORM's meaning.
 */

type Row = Record<string, any>
type Scalar = string | number | boolean | Date

export interface CompiledSelect {
  sql: string
  params: unknown[]
}

export interface SelectShape {
  fields?: string[]
  orderBy?: Record<string, string>
  limit?: number
  offset?: number
}

/** Placeholder for "this condition is not ours to compile". */
const UNSUPPORTED = Symbol("unsupported")
/** SQL terms to be joined with `and`: each a comparison or a parenthesised `or`. */
type Terms = string[] | typeof UNSUPPORTED

const COMPARISONS: Readonly<Record<string, string>> = {
  $eq: "=",
  $ne: "!=",
  $gt: ">",
  $gte: ">=",
  $lt: "<",
  $lte: "<=",
  $like: "like",
  $ilike: "ilike",
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

function isScalar(value: unknown): value is Scalar {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true
    case "number":
      return Number.isFinite(value)
    default:
      return value instanceof Date && !Number.isNaN(value.getTime())
  }
}

/** An object literal (MikroORM also reads objects without a prototype as conditions). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** The quoted column of each property of a model, computed once per model. */
const columnsByModel = new WeakMap<ModelDefinition, ReadonlyMap<string, string>>()

function columnsOf(model: ModelDefinition): ReadonlyMap<string, string> {
  let columns = columnsByModel.get(model)
  if (!columns) {
    columns = new Map(model.fields.properties.map((p) => [p.name, quoteIdentifier(p.name)]))
    columnsByModel.set(model, columns)
  }
  return columns
}

class ConditionCompiler {
  readonly params: unknown[] = []

  constructor(private readonly columns: ReadonlyMap<string, string>) {}

  /** Every entry of an object must hold; none for `{}`. */
  conjunction(where: unknown): Terms {
    if (!isPlainRecord(where)) return UNSUPPORTED
    const terms: string[] = []
    for (const key in where) {
      const value = where[key]
      const more = key === "$and" ? this.all(value) : key === "$or" ? this.any(value) : this.field(key, value)
      if (more === UNSUPPORTED) return UNSUPPORTED
      terms.push(...more)
    }
    return terms
  }

  /** Non-empty members only: MikroORM reads an empty `$and` / `$or`, or an empty member, in ways of its own. */
  private members(value: unknown): string[][] | typeof UNSUPPORTED {
    if (!Array.isArray(value) || !value.length) return UNSUPPORTED
    const members: string[][] = []
    for (const member of value) {
      const terms = this.conjunction(member)
      if (terms === UNSUPPORTED || !terms.length) return UNSUPPORTED
      members.push(terms)
    }
    return members
  }

  private all(value: unknown): Terms {
    const members = this.members(value)
    return members === UNSUPPORTED ? UNSUPPORTED : members.flat()
  }

  private any(value: unknown): Terms {
    const members = this.members(value)
    if (members === UNSUPPORTED) return UNSUPPORTED
    if (members.length === 1) return members[0]
    return [`(${members.map((terms) => (terms.length === 1 ? terms[0] : `(${terms.join(" and ")})`)).join(" or ")})`]
  }

  private field(name: string, value: unknown): Terms {
    const column = this.columns.get(name)
    if (column === undefined) return UNSUPPORTED
    if (value === null) return [`${column} is null`]
    if (isScalar(value)) return [this.compare(column, "=", value)]
    if (Array.isArray(value)) return this.list(column, "in", value)
    if (!isPlainRecord(value)) return UNSUPPORTED
    const terms: string[] = []
    for (const operator in value) {
      const term = this.operator(column, operator, value[operator])
      if (term === UNSUPPORTED) return UNSUPPORTED
      terms.push(...term)
    }
    return terms.length ? terms : UNSUPPORTED
  }

  private operator(column: string, operator: string, operand: unknown): Terms {
    if (operator === "$in") return Array.isArray(operand) ? this.list(column, "in", operand) : UNSUPPORTED
    if (operator === "$nin") return Array.isArray(operand) ? this.list(column, "not in", operand) : UNSUPPORTED
    const comparison = COMPARISONS[operator]
    if (comparison === undefined) return UNSUPPORTED
    if (operand === null) {
      if (operator === "$eq") return [`${column} is null`]
      if (operator === "$ne") return [`${column} is not null`]
      return UNSUPPORTED
    }
    return isScalar(operand) ? [this.compare(column, comparison, operand)] : UNSUPPORTED
  }

  private compare(column: string, comparison: string, value: Scalar): string {
    this.params.push(value)
    return `${column} ${comparison} ?`
  }

  /** As MikroORM reads them: an empty `in` matches nothing, an empty `not in` everything. */
  private list(column: string, operator: "in" | "not in", values: unknown[]): Terms {
    if (!values.length) return [operator === "in" ? "1 = 0" : "1 = 1"]
    if (!values.every(isScalar)) return UNSUPPORTED
    this.params.push(...values)
    return [`${column} ${operator} (${values.map(() => "?").join(", ")})`]
  }
}

/** The model's table as MikroORM's query builder names it (schema-qualified unless it is the default schema). */
function tableReference(em: EntityManager, model: ModelDefinition): string {
  const metaSchema = model.entity.meta.schema
  const schema = (metaSchema && metaSchema !== "*" ? metaSchema : undefined) ?? em.schema ?? em.config.get("schema")
  const table = quoteIdentifier(model.tableName)
  return schema && schema !== em.getPlatform().getDefaultSchemaName() ? `${quoteIdentifier(schema)}.${table}` : table
}

/** `from <table> where …`, or undefined when the condition is not ours to compile. */
function compileFrom(em: EntityManager, model: ModelDefinition, where: unknown): CompiledSelect | undefined {
  const conditions = new ConditionCompiler(columnsOf(model))
  const terms = conditions.conjunction(where)
  if (terms === UNSUPPORTED) return undefined
  const from = `from ${tableReference(em, model)}`
  return { sql: terms.length ? `${from} where ${terms.join(" and ")}` : from, params: conditions.params }
}

/** `select count(*) as "count" from <table> where …`, as the builder counts, or undefined when the builder must do it. */
export function compileCount(em: EntityManager, model: ModelDefinition, where: unknown): CompiledSelect | undefined {
  const from = compileFrom(em, model, where)
  return from && { sql: `select count(*) as "count" ${from.sql}`, params: from.params }
}

/** `select … from <table> where … order by … limit … offset …`, or undefined when the builder must do it. */
export function compileSelect(em: EntityManager, model: ModelDefinition, where: unknown, shape: SelectShape): CompiledSelect | undefined {
  const columns = columnsOf(model)
  let select = "*"
  if (shape.fields !== undefined) {
    if (!shape.fields.length) return undefined
    const quoted: string[] = []
    for (const field of shape.fields) {
      const column = columns.get(field)
      if (column === undefined) return undefined
      quoted.push(column)
    }
    select = quoted.join(", ")
  }
  const from = compileFrom(em, model, where)
  if (!from) return undefined
  let sql = `select ${select} ${from.sql}`
  if (shape.orderBy) {
    const order: string[] = []
    for (const field in shape.orderBy) {
      const column = columns.get(field)
      const direction = String(shape.orderBy[field]).toLowerCase()
      if (column === undefined || (direction !== "asc" && direction !== "desc")) return undefined
      order.push(`${column} ${direction}`)
    }
    if (order.length) sql += ` order by ${order.join(", ")}`
  }
  const params = from.params
  for (const [clause, value] of [["limit", shape.limit], ["offset", shape.offset]] as const) {
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < 0) return undefined
    sql += ` ${clause} ?`
    params.push(value)
  }
  return { sql, params }
}

/** The number a compiled count answers (PostgreSQL's count is a bigint, which pg hands over as text). */
export async function runCount(em: EntityManager, compiled: CompiledSelect): Promise<number> {
  const [row] = await selectRows(em, compiled.sql, compiled.params)
  return row ? Number(row.count) : 0
}

/**
 * Runs a compiled select where the query builder runs its own (same pool, the entity manager's
 * transaction) and maps each row as the builder does (column values to property values:
 * timestamps to Dates …), without creating entities.
 */
export async function runSelect<T extends Row = Row>(em: EntityManager, model: ModelDefinition, compiled: CompiledSelect): Promise<T[]> {
  const rows = await selectRows(em, compiled.sql, compiled.params)
  const meta = em.getMetadata().get(model.entity.meta.className)
  const driver = em.getDriver()
  return rows.map((row) => driver.mapResult(row, meta) as T)
}
