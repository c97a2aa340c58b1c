import type { AwilixContainer } from "awilix"
import type { MigrationObject } from "@mikro-orm/core"
import type { ModelDefinition } from "./model"

export interface ModuleLoaderArgs<TOptions = Record<string, unknown>> {
  /** The module's own container: its internal registrations live here, not in the app's. */
  container: AwilixContainer
  options: TOptions
}

export type ModuleLoader<TOptions = any> = (args: ModuleLoaderArgs<TOptions>) => void | Promise<void>

/** What a link names on one side: the module, the entity and the key a link row stores. */
export interface LinkableField {
  /** The module's container key. */
  serviceName: string
  /** The entity's name in camelCase, e.g. "apiKey". */
  field: string
  /** The column a link table stores for this side, e.g. "api_key_id" or "publishable_key_id". */
  linkable: string
  /** The entity's field the stored value matches. */
  primaryKey: string
  /** The model's name, e.g. "ApiKey". */
  entity: string
}

/** `linkable.apiKey` is its primary key's linkable (so it can be passed as is), plus one entry per linkable key. */
export type LinkableEntity = LinkableField & Record<string, LinkableField>

export type ServiceClass<TService = unknown> = (new (deps: any, options?: any) => TService) & { $models?: Record<string, ModelDefinition> }

export interface ModuleExports<TService = unknown> {
  /** The container key of the module, e.g. "apiKey". */
  name: string
  service: ServiceClass<TService>
  loaders: ModuleLoader[]
  /** The module's migrations, oldest first (Medusa finds them in the module's folder; listed here so builds need no globbing). */
  migrations: MigrationObject[]
  /** What links can point at: `linkable.apiKey`, `linkable.apiKey.publishable_key_id` … */
  linkable: Record<string, LinkableEntity>
}

export interface ModuleDefinitionInput<TService> {
  service: ServiceClass<TService>
  loaders?: ModuleLoader[]
  migrations?: MigrationObject[]
  /** Keys other than the primary key that links may store, by entity: `{ ApiKey: ["publishable_key_id"] }`. */
  linkableKeys?: Record<string, string[]>
}

function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

/** The models a module's service was generated from. */
export function modelsOf(definition: Pick<ModuleExports, "service">): ModelDefinition[] {
  return Object.values(definition.service.$models ?? {})
}

function buildLinkable(name: string, models: ModelDefinition[], extraKeys: Record<string, string[]>): Record<string, LinkableEntity> {
  const linkable: Record<string, LinkableEntity> = {}
  for (const model of models) {
    const field = camelCase(model.name)
    const primaryKey = model.fields.primaryKey
    const base = { serviceName: name, field, primaryKey, entity: model.name }
    const byPrimaryKey: LinkableField = { ...base, linkable: `${snakeCase(model.name)}_${primaryKey}` }
    const entry = { ...byPrimaryKey, [primaryKey]: byPrimaryKey } as LinkableEntity
    for (const key of extraKeys[model.name] ?? []) entry[key] = { ...base, linkable: key }
    linkable[field] = entry
  }
  return linkable
}

/** Declares a module the way Medusa's `Module(name, { service, loaders })` does. */
export function Module<TService>(name: string, definition: ModuleDefinitionInput<TService>): ModuleExports<TService> {
  if (!name) throw new Error("Module(name, definition) needs the module's name")
  if (typeof definition?.service !== "function") throw new Error(`Module "${name}" needs a service class`)
  return {
    name,
    service: definition.service,
    loaders: definition.loaders ?? [],
    migrations: definition.migrations ?? [],
    linkable: buildLinkable(name, modelsOf(definition), definition.linkableKeys ?? {}),
  }
}

export function isModuleExports(value: unknown): value is ModuleExports {
  const v = value as ModuleExports | undefined
  return !!v && typeof v.name === "string" && typeof v.service === "function"
}

/** Each module records its migrations in its own table, so modules never see each other's. */
export function migrationsTableOf(name: string): string {
  return `${snakeCase(name)}_migrations`
}
