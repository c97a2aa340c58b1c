import type { Context } from "../context"
import type { ModelDefinition } from "../model"
import type { FindConfig } from "./find-config"
import { normalizeIds } from "./input"
import { MedusaServiceBase, type ServiceDependencies } from "./service-base"

/**
 * `MedusaService({ ApiKey })`, as Medusa's modules declare their services: a base class with the
 * generic methods of every model, in both of Medusa's naming eras — `createApiKeys`,
 * `listApiKeys`, `retrieveApiKey` … and, for a service of one model, the seed's short names
 * `create`, `list`, `retrieve` …. Each public name is a door onto one implementation in
 * MedusaServiceBase; a module overrides that base's protected hooks, never a public door, so
 * both namings always behave the same.
 */

/** The DTO types of one model, for the generated method signatures. */
export interface ModelTypes {
  dto: object
  create: object
  update: object
  filters: object
}

/** "ApiKey" → "ApiKeys", "Company" → "Companies", as model.pluralName does at run time. */
type Plural<S extends string> = S extends `${string}${"a" | "e" | "i" | "o" | "u"}y` ? `${S}s` : S extends `${infer P}y` ? `${P}ies` : `${S}s`
type ConfigOf<T extends ModelTypes> = FindConfig<keyof T["dto"] & string>
type OneOrMany<T> = T | T[]

export interface RetrieveMethod<T extends ModelTypes> {
  (id: string, config?: ConfigOf<T>, sharedContext?: Context): Promise<T["dto"]>
}
export interface ListMethod<T extends ModelTypes> {
  (filters?: T["filters"], config?: ConfigOf<T>, sharedContext?: Context): Promise<T["dto"][]>
}
export interface ListAndCountMethod<T extends ModelTypes> {
  (filters?: T["filters"], config?: ConfigOf<T>, sharedContext?: Context): Promise<[T["dto"][], number]>
}
export interface CreateMethod<T extends ModelTypes> {
  (data: T["create"], sharedContext?: Context): Promise<T["dto"]>
  (data: T["create"][], sharedContext?: Context): Promise<T["dto"][]>
}
export interface UpdateMethod<T extends ModelTypes> {
  (id: string, data: T["update"], sharedContext?: Context): Promise<T["dto"]>
  (selector: T["filters"], data: T["update"], sharedContext?: Context): Promise<T["dto"][]>
  (data: T["update"] & { id: string }, sharedContext?: Context): Promise<T["dto"]>
  (data: (T["update"] & { id: string })[], sharedContext?: Context): Promise<T["dto"][]>
}
export interface UpsertMethod<T extends ModelTypes> {
  (data: T["create"] | (T["update"] & { id: string }), sharedContext?: Context): Promise<T["dto"]>
  (data: (T["create"] | (T["update"] & { id: string }))[], sharedContext?: Context): Promise<T["dto"][]>
}
export interface DeleteMethod {
  (ids: string | string[], sharedContext?: Context): Promise<void>
}

export type GeneratedMethods<N extends string, T extends ModelTypes> = Record<`retrieve${N}`, RetrieveMethod<T>> &
  Record<`list${Plural<N>}`, ListMethod<T>> &
  Record<`listAndCount${Plural<N>}`, ListAndCountMethod<T>> &
  Record<`create${Plural<N>}`, CreateMethod<T>> &
  Record<`update${Plural<N>}`, UpdateMethod<T>> &
  Record<`upsert${Plural<N>}`, UpsertMethod<T>> &
  Record<`delete${Plural<N>}` | `softDelete${Plural<N>}` | `restore${Plural<N>}`, DeleteMethod>

/** The seed's short names, for a service of one model. */
export interface ShortMethods<T extends ModelTypes> {
  create: CreateMethod<T>
  list: ListMethod<T>
  listAndCount: ListAndCountMethod<T>
  retrieve: RetrieveMethod<T>
  update: UpdateMethod<T>
  upsert: UpsertMethod<T>
  delete: DeleteMethod
  softDelete: DeleteMethod
  restore: DeleteMethod
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never
type AllGenerated<M extends Record<string, ModelTypes>> = UnionToIntersection<{ [N in keyof M & string]: GeneratedMethods<N, M[N]> }[keyof M & string]>

export type MedusaServiceClass<M extends Record<string, ModelTypes>> = (abstract new (deps: ServiceDependencies, options?: unknown) => MedusaServiceBase &
  AllGenerated<M> &
  ShortMethods<M[keyof M]>) & { readonly $models: Record<string, ModelDefinition> }

type Door = (this: any, ...args: any[]) => unknown

function doorsFor(name: string, model: ModelDefinition): Record<string, Door> {
  const plural = model.pluralName
  return {
    [`retrieve${model.name}`]: async function (id, config, ctx) {
      return this.retrieve_(name, id, config, ctx)
    },
    [`list${plural}`]: async function (filters, config, ctx) {
      return this.list_(name, filters, config, ctx)
    },
    [`listAndCount${plural}`]: async function (filters, config, ctx) {
      return this.listAndCount_(name, filters, config, ctx)
    },
    [`create${plural}`]: async function (data, ctx) {
      const many = Array.isArray(data)
      const items: unknown[] = many ? data : [data]
      const inputs = items.map((item, i) => this.parseCreate_(name, item, many ? ` (${model.humanName} at index ${i})` : ""))
      const created = await this.create_(name, inputs, ctx)
      return many ? created : created[0]
    },
    [`update${plural}`]: async function (first, second, third) {
      return this.update_(name, first, second, third)
    },
    [`upsert${plural}`]: async function (data, ctx) {
      return this.upsert_(name, data, ctx)
    },
    [`delete${plural}`]: async function (ids, ctx) {
      return this.delete_(name, normalizeIds(model, ids, "delete"), ctx)
    },
    [`softDelete${plural}`]: async function (ids, ctx) {
      return this.softDelete_(name, normalizeIds(model, ids, "softDelete"), ctx)
    },
    [`restore${plural}`]: async function (ids, ctx) {
      return this.restore_(name, normalizeIds(model, ids, "restore"), ctx)
    },
  }
}

const SHORT_NAMES = ["create", "list", "listAndCount", "retrieve", "update", "upsert", "delete", "softDelete", "restore"] as const

export function MedusaService<M extends Record<string, ModelTypes>>(models: { [K in keyof M]: ModelDefinition }): MedusaServiceClass<M> {
  const definitions = models as Record<string, ModelDefinition>
  abstract class GeneratedService extends MedusaServiceBase {
    static readonly $models = definitions
    constructor(deps: ServiceDependencies) {
      super(deps, definitions)
    }
  }
  const prototype = GeneratedService.prototype as unknown as Record<string, unknown>
  const entries = Object.entries(definitions)
  for (const [name, model] of entries) {
    const doors = doorsFor(name, model)
    for (const [method, door] of Object.entries(doors)) {
      Object.defineProperty(prototype, method, { value: door, writable: true, configurable: true })
    }
    if (entries.length === 1) {
      // The same function objects under the short names: one implementation, two names.
      for (const short of SHORT_NAMES) {
        const long = short === "retrieve" ? `retrieve${model.name}` : `${short}${model.pluralName}`
        Object.defineProperty(prototype, short, { value: doors[long], writable: true, configurable: true })
      }
    }
  }
  return GeneratedService as unknown as MedusaServiceClass<M>
}
