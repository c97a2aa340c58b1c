/**
 * The property builders of the data-model language, named as Medusa's DML names them
 * (`model.text().searchable()`, `model.dateTime().nullable()` …). A builder only records what was
 * declared; `define.ts` turns the declarations into a MikroORM entity and field lists.
 */

export type PropertyKind = "id" | "text" | "enum" | "dateTime" | "boolean" | "number" | "json"

export interface PropertyMeta {
  kind: PropertyKind
  nullable: boolean
  primaryKey: boolean
  /** `model.id({ prefix: "apk" })`: new rows get `apk_<ULID>`. */
  prefix?: string
  /** The allowed values of an enum. */
  values?: readonly string[]
  hasDefault: boolean
  defaultValue?: unknown
  /** `q` searches these with a case-insensitive substring match. */
  searchable: boolean
  /** Never read, selected, filtered, ordered or returned (e.g. a salt). Only the module's own queries see it. */
  hidden: boolean
  /** Filter operators allowed on this field; all of its kind's operators when absent. */
  operators?: readonly string[]
  sortable: boolean
}

/**
 * `T` is the field's value type in DTOs and `Hidden` whether readers can see it; both only
 * exist for type inference (`InferDTO`).
 */
export class PropertyBuilder<T, Hidden extends boolean = false> {
  declare readonly __type: T
  declare readonly __hidden: Hidden
  readonly meta: PropertyMeta

  constructor(kind: PropertyKind, extra: Partial<PropertyMeta> = {}) {
    this.meta = { kind, nullable: false, primaryKey: false, hasDefault: false, searchable: false, hidden: false, sortable: true, ...extra }
  }

  nullable(): PropertyBuilder<T | null, Hidden> {
    this.meta.nullable = true
    return this as unknown as PropertyBuilder<T | null, Hidden>
  }

  primaryKey(): this {
    this.meta.primaryKey = true
    return this
  }

  default(value: T): this {
    this.meta.hasDefault = true
    this.meta.defaultValue = value
    return this
  }

  searchable(): this {
    this.meta.searchable = true
    return this
  }

  hidden(): PropertyBuilder<T, true> {
    this.meta.hidden = true
    return this as unknown as PropertyBuilder<T, true>
  }

  /** Narrows the filter operators of this field (e.g. exact matches only) and whether lists may order by it. */
  filterable(options: { operators?: readonly string[]; sortable?: boolean }): this {
    if (options.operators) this.meta.operators = options.operators
    if (options.sortable !== undefined) this.meta.sortable = options.sortable
    return this
  }
}

export type AnyProperty = PropertyBuilder<unknown, boolean>

export const properties = {
  id: (options: { prefix?: string } = {}) => new PropertyBuilder<string>("id", { prefix: options.prefix }),
  text: () => new PropertyBuilder<string>("text"),
  enum: <const V extends readonly string[]>(values: V) => new PropertyBuilder<V[number]>("enum", { values }),
  dateTime: () => new PropertyBuilder<Date>("dateTime"),
  boolean: () => new PropertyBuilder<boolean>("boolean"),
  number: () => new PropertyBuilder<number>("number"),
  json: () => new PropertyBuilder<Record<string, unknown>>("json"),
}
