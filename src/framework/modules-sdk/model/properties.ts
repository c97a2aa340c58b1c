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
  /** `.optional()`: nullable, and left out of DTOs while null (a column beyond Medusa's shape). */
  optional: boolean
  /** `.filterable({ keys: true })` on a json column: filters match its top-level keys by equality. */
  filterByKeys?: boolean
}

/**
 * `T` is the field's value type in DTOs and `Hidden` whether readers can see it; both only
 * exist for type inference (`InferDTO`).
 */
export class PropertyBuilder<T, Hidden extends boolean = false, Optional extends boolean = false> {
  declare readonly __type: T
  declare readonly __hidden: Hidden
  declare readonly __optional: Optional
  readonly meta: PropertyMeta

  constructor(kind: PropertyKind, extra: Partial<PropertyMeta> = {}) {
    this.meta = { kind, nullable: false, primaryKey: false, hasDefault: false, searchable: false, hidden: false, sortable: true, optional: false, ...extra }
  }

  nullable(): PropertyBuilder<T | null, Hidden> {
    this.meta.nullable = true
    return this as unknown as PropertyBuilder<T | null, Hidden>
  }

  /**
   * A column this project adds to a Medusa entity: nullable, and absent from DTOs while null, so a
   * record that does not use it reads exactly as Medusa's does.
   */
  optional(): PropertyBuilder<T | null, Hidden, true> {
    this.meta.nullable = true
    this.meta.optional = true
    return this as unknown as PropertyBuilder<T | null, Hidden, true>
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

  /**
   * Narrows the filter operators of this field (e.g. exact matches only) and whether lists may
   * order by it; `keys: true` lets a json column be filtered by its top-level keys.
   */
  filterable(options: { operators?: readonly string[]; sortable?: boolean; keys?: boolean }): this {
    if (options.operators) this.meta.operators = options.operators
    if (options.sortable !== undefined) this.meta.sortable = options.sortable
    if (options.keys) this.meta.filterByKeys = true
    return this
  }
}

export type AnyProperty = PropertyBuilder<unknown, boolean, boolean>

export const properties = {
  id: (options: { prefix?: string } = {}) => new PropertyBuilder<string>("id", { prefix: options.prefix }),
  text: () => new PropertyBuilder<string>("text"),
  enum: <const V extends readonly string[]>(values: V) => new PropertyBuilder<V[number]>("enum", { values }),
  dateTime: () => new PropertyBuilder<Date>("dateTime"),
  boolean: () => new PropertyBuilder<boolean>("boolean"),
  number: () => new PropertyBuilder<number>("number"),
  json: <T = Record<string, unknown>>() => new PropertyBuilder<T>("json"),
}
