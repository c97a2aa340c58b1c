import { EntitySchema, type EntitySchemaProperty } from "@mikro-orm/core"
import { PropertyBuilder, type AnyProperty, type PropertyMeta } from "./properties"

/**
 * `model.define("api_key", { … })`: one declaration per entity. Everything generic is derived
 * from it — the MikroORM entity, the fields readers may select, filter, search and order by, and
 * the human names used in error messages — so a new column is one line here plus a migration.
 * Every model gets Medusa's timestamps (`created_at`, `updated_at`, `deleted_at` for soft delete).
 */

export interface ModelIndex {
  name: string
  on: string[]
  unique?: boolean
  /** A partial index's condition, as SQL. */
  where?: string
}

export interface NamedProperty extends PropertyMeta {
  name: string
}

export interface ModelFields {
  primaryKey: string
  idPrefix?: string
  properties: NamedProperty[]
  byName: ReadonlyMap<string, NamedProperty>
  /** What a reader may select and see, in declaration order. */
  readable: string[]
  sortable: string[]
  searchable: string[]
  /** What create and update may set: every declared column but the primary key and timestamps. */
  writable: string[]
  /** Readable fields left out of a DTO while null (`.optional()`). */
  optional: ReadonlySet<string>
}

export const TIMESTAMPS = ["created_at", "updated_at", "deleted_at"] as const

type Timestamps = { created_at: Date; updated_at: Date; deleted_at: Date | null }
type Simplify<T> = { [K in keyof T]: T[K] } & {}
type ValueOf<P> = P extends PropertyBuilder<infer T, boolean, boolean> ? T : never
type IsHidden<P> = P extends PropertyBuilder<unknown, true, boolean> ? true : false
type IsOptional<P> = P extends PropertyBuilder<unknown, boolean, true> ? true : false

/** The shape readers see: every property that is not hidden (optional ones only when set), plus the timestamps. */
export type InferDTO<M> = M extends ModelDefinition<infer S>
  ? Simplify<
      { [K in keyof S as IsHidden<S[K]> extends true ? never : IsOptional<S[K]> extends true ? never : K]: ValueOf<S[K]> } & {
        [K in keyof S as IsHidden<S[K]> extends true ? never : IsOptional<S[K]> extends true ? K : never]?: NonNullable<ValueOf<S[K]>>
      } & Timestamps
    >
  : never

/** The stored row: every property, hidden ones included. */
export type InferEntity<M> = M extends ModelDefinition<infer S> ? Simplify<{ [K in keyof S]: ValueOf<S[K]> } & Timestamps> : never

type DateOperators = {
  $eq?: Date | string | null
  $ne?: Date | string | null
  $gt?: Date | string
  $gte?: Date | string
  $lt?: Date | string
  $lte?: Date | string
  $in?: (Date | string)[]
  $nin?: (Date | string)[]
}
type StringOperators<V extends string> = { $eq?: V | null; $ne?: V | null; $in?: V[]; $nin?: V[]; $like?: string; $ilike?: string }
type NullIfNullable<T> = null extends T ? null : never
type FilterValue<T> = [NonNullable<T>] extends [Date]
  ? DateOperators | Date | string | NullIfNullable<T>
  : [NonNullable<T>] extends [boolean]
    ? boolean | { $eq?: boolean; $ne?: boolean }
    : [NonNullable<T>] extends [string]
      ? NonNullable<T> | NonNullable<T>[] | StringOperators<NonNullable<T>> | NullIfNullable<T>
      : never
type FilterShape<D> = { [K in keyof D]?: FilterValue<D[K]> } & { q?: string; $and?: FilterShape<D>[]; $or?: FilterShape<D>[] }

/** The filters a list takes: any readable field (a value, a list, or an operator map), q, $and, $or. */
export type InferFilters<M> = FilterShape<InferDTO<M>>

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())
}

export class ModelDefinition<Schema extends Record<string, AnyProperty> = Record<string, AnyProperty>> {
  /** The entity name Medusa uses in messages and method names, e.g. "ApiKey". */
  readonly name: string
  readonly tableName: string
  private readonly indexList: ModelIndex[] = []
  private entityCache?: EntitySchema<any>
  private fieldsCache?: ModelFields

  constructor(
    nameOrTable: string | { name: string; tableName: string },
    readonly schema: Schema
  ) {
    const isName = typeof nameOrTable === "string" && /[A-Z]/.test(nameOrTable)
    this.name = typeof nameOrTable === "object" ? nameOrTable.name : isName ? nameOrTable : pascalCase(nameOrTable)
    this.tableName = typeof nameOrTable === "object" ? nameOrTable.tableName : isName ? snakeCase(nameOrTable) : nameOrTable
    const primary = Object.entries(schema).filter(([, p]) => p.meta.primaryKey)
    if (primary.length !== 1) throw new Error(`model ${this.name} needs exactly one primaryKey()`)
    for (const reserved of TIMESTAMPS) {
      if (reserved in schema) throw new Error(`model ${this.name} must not declare ${reserved}: every model has it`)
    }
  }

  indexes(list: ModelIndex[]): this {
    this.indexList.push(...list)
    return this
  }

  /** "ApiKey" → "ApiKeys", the suffix of the generated method names. */
  get pluralName(): string {
    return /[^aeiou]y$/.test(this.name) ? `${this.name.slice(0, -1)}ies` : `${this.name}s`
  }

  /** "api key", for messages such as "expects an api key id". */
  get humanName(): string {
    return snakeCase(this.name).replace(/_/g, " ")
  }

  get humanPluralName(): string {
    return snakeCase(this.pluralName).replace(/_/g, " ")
  }

  get fields(): ModelFields {
    if (this.fieldsCache) return this.fieldsCache
    const declared: NamedProperty[] = Object.entries(this.schema).map(([name, p]) => ({ ...p.meta, name }))
    const timestamps: NamedProperty[] = TIMESTAMPS.map((name) => ({
      ...new PropertyBuilder<Date>("dateTime").meta,
      name,
      nullable: name === "deleted_at",
      hasDefault: name !== "deleted_at",
    }))
    const properties = [...declared, ...timestamps]
    const primary = declared.find((p) => p.primaryKey)!
    const readable = properties.filter((p) => !p.hidden).map((p) => p.name)
    this.fieldsCache = {
      primaryKey: primary.name,
      idPrefix: primary.prefix,
      properties,
      byName: new Map(properties.map((p) => [p.name, p])),
      readable,
      sortable: properties.filter((p) => !p.hidden && p.sortable).map((p) => p.name),
      searchable: properties.filter((p) => p.searchable && !p.hidden).map((p) => p.name),
      writable: declared.filter((p) => !p.primaryKey).map((p) => p.name),
      optional: new Set(declared.filter((p) => p.optional && !p.hidden).map((p) => p.name)),
    }
    return this.fieldsCache
  }

  /** The MikroORM entity; tables themselves come from the module's migrations. */
  get entity(): EntitySchema<any> {
    if (this.entityCache) return this.entityCache
    const props: Record<string, EntitySchemaProperty<any, any>> = {}
    for (const p of this.fields.properties) props[p.name] = toOrmProperty(p)
    const indexes = this.indexList.filter((i) => !i.unique)
    const uniques = this.indexList.filter((i) => i.unique)
    this.entityCache = new EntitySchema<any>({
      name: this.name,
      tableName: this.tableName,
      properties: props,
      indexes: indexes.map((i) => ({ name: i.name, properties: i.on, ...(i.where ? { expression: this.indexSql(i) } : {}) })),
      uniques: uniques.map((i) => ({ name: i.name, properties: i.on, ...(i.where ? { expression: this.indexSql(i) } : {}) })),
    })
    return this.entityCache
  }

  private indexSql(index: ModelIndex): string {
    const columns = index.on.map((c) => `"${c}"`).join(", ")
    return `create ${index.unique ? "unique " : ""}index if not exists "${index.name}" on "${this.tableName}" (${columns}) where ${index.where}`
  }
}

function toOrmProperty(p: NamedProperty): EntitySchemaProperty<any, any> {
  const nullable = p.nullable ? { nullable: true } : {}
  const defaults = p.hasDefault && p.defaultValue !== undefined ? { default: p.defaultValue as never } : {}
  switch (p.kind) {
    case "id":
      return { type: "text", columnType: "text", primary: p.primaryKey, ...nullable }
    case "dateTime":
      // Timestamps default to the database's now(), as Medusa's tables do.
      return { type: "datetime", columnType: "timestamptz", ...nullable, ...(p.hasDefault && p.defaultValue === undefined ? { defaultRaw: "now()" } : {}) }
    case "boolean":
      return { type: "boolean", columnType: "boolean", ...nullable, ...defaults }
    case "number":
      return { type: "double", columnType: "double precision", ...nullable, ...defaults }
    case "json":
      return { type: "json", columnType: "jsonb", ...nullable }
    case "enum":
      return { type: "text", columnType: "text", ...nullable, ...defaults, enum: true, items: [...(p.values ?? [])] }
    default:
      return { type: "text", columnType: "text", ...nullable, ...defaults }
  }
}
