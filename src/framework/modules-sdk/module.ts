import { asValue, type AwilixContainer } from "awilix"
import type { MigrationObject } from "@mikro-orm/core"
import type { ModelDefinition } from "./model"
import { revertModuleMigrations, runModuleMigrations, type ModuleDatabaseOptions, type ModuleOrmConfig } from "./database"
import { buildJoinerConfig } from "./joiner-config"
import { currentModuleName } from "./definitions"
import { openChangeFeed, validateChangeFeedOption } from "./change-feed-selection"
import { connectModuleOrm } from "./database"
import { assertKnownOptionKeys, DATABASE_OPTION_KEYS } from "./options"

export interface ModuleLoaderArgs<TOptions = Record<string, unknown>> {
  /** The module's own container: its internal registrations live here, not in the app's. */
  container: AwilixContainer
  options: TOptions
}

export type ModuleLoader<TOptions = any> = (args: ModuleLoaderArgs<TOptions>) => void | Promise<void>

/** What a link names on one side: the module, the entity and the key a link row stores. */
export interface LinkableField {
  /** The module's name in the current era's form ("api_key"), as links and Query name it. */
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

export type ServiceClass<TService = unknown> = (new (deps: any, options?: any, declaration?: any) => TService) & { $models?: Record<string, ModelDefinition> }

/** What Medusa's `migrateUp` / `migrateDown` pass to a module's own migration functions. */
export interface MedusaMigrationArgs {
  options?: Record<string, unknown>
  logger?: { info(message: string): void }
  /** migrateDown: the migrations to revert (only their number is used: the newest ones go). */
  migrationNames?: string[]
}

export interface ModuleExports<TService = unknown> {
  /** The container key of the module, e.g. "apiKey". */
  name: string
  service: ServiceClass<TService>
  loaders: ModuleLoader[]
  /** The module's migrations, oldest first (Medusa finds them in the module's folder; listed here so builds need no globbing). */
  migrations: MigrationObject[]
  /** What links can point at: `linkable.apiKey`, `linkable.apiKey.publishable_key_id` … */
  linkable: Record<string, LinkableEntity>
  /** Models the module stores but does not expose through generated methods, Query or links (see ModuleDefinitionInput). */
  internalModels?: ModelDefinition[]
  /**
   * Medusa's loader runs these instead of looking for a `migrations` folder beside the package
   * entry (`MedusaModule.migrateUp` / `migrateDown`, i.e. `medusa db:migrate` and `db:rollback`).
   * They apply the same migrations, in the same table, as this package's own host.
   */
  runMigrations(args?: MedusaMigrationArgs): Promise<{ name: string }[]>
  revertMigration(args?: MedusaMigrationArgs): Promise<void>
}

export interface ModuleDefinitionInput<TService> {
  service: ServiceClass<TService>
  loaders?: ModuleLoader[]
  migrations?: MigrationObject[]
  /** Keys other than the primary key that links may store, by entity: `{ ApiKey: ["publishable_key_id"] }`. */
  linkableKeys?: Record<string, string[]>
  /**
   * Models the module keeps for itself beside the ones its service was generated from (e.g. the
   * api key history): they are entities of the module's ORM, but get no generated methods, no
   * Query entity and no linkable, so nothing outside the module's own methods reads or writes them.
   */
  internalModels?: ModelDefinition[]
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
    const base = { serviceName: currentModuleName(name), field, primaryKey, entity: model.name }
    const byPrimaryKey: LinkableField = { ...base, linkable: `${snakeCase(model.name)}_${primaryKey}` }
    const entry = { ...byPrimaryKey, [primaryKey]: byPrimaryKey } as LinkableEntity
    for (const key of extraKeys[model.name] ?? []) entry[key] = { ...base, linkable: key }
    linkable[field] = entry
  }
  return linkable
}

/** The ORM settings of a module: its models' entities (internal ones too) and its migrations, on its database. */
export function moduleOrmConfig(definition: Pick<ModuleExports, "name" | "service" | "migrations" | "internalModels">, options: Record<string, unknown> | undefined): ModuleOrmConfig {
  const database = options?.database as ModuleDatabaseOptions | undefined
  assertKnownOptionKeys(database, DATABASE_OPTION_KEYS, "database.")
  return {
    database,
    entities: [...modelsOf(definition), ...(definition.internalModels ?? [])].map((model) => model.entity),
    migrationsList: definition.migrations,
    migrationsTable: migrationsTableOf(definition.name),
  }
}

/** The module container key under which a host lends its Redis URL to the change feed. */
export const CHANGE_FEED_REDIS_URL = "changeFeedRedisUrl"

const CONNECTS = Symbol.for("medusa-api-key.connectionLoader")

/** Marks the place of the connection in a module's `loaders`. */
export const CONNECTION_LOADER: ModuleLoader = () => undefined

/**
 * The connection of a module that has models: its ORM, and the change feed its writes publish to.
 * A module may list CONNECTION_LOADER among its loaders to choose when it runs (after checking its
 * options, so a typo is reported before any connection is tried); otherwise it runs first. Named
 * `connectionLoader` because that is the name Medusa's loader looks for before adding its own.
 */
export function connectionLoader(definition: Pick<ModuleExports, "name" | "service" | "migrations" | "internalModels">): ModuleLoader {
  const connectionLoader: ModuleLoader = async ({ container, options }) => {
    const feedOptions = validateChangeFeedOption(options?.changeFeed)
    const orm = await connectModuleOrm(moduleOrmConfig(definition, withLentConnection(container, options)))
    // The module's own option wins over the app's Redis (projectConfig.redisUrl, lent by the host).
    const appRedisUrl = container.hasRegistration(CHANGE_FEED_REDIS_URL) ? container.resolve<string | undefined>(CHANGE_FEED_REDIS_URL) : undefined
    try {
      const changeFeed = await openChangeFeed({ connectionString: orm.config.get("clientUrl") as string, redisUrl: feedOptions?.redisUrl ?? appRedisUrl })
      container.register({ orm: asValue(orm), changeFeed: asValue(changeFeed) })
    } catch (error) {
      await orm.close(true).catch(() => undefined)
      throw error
    }
  }
  Object.defineProperty(connectionLoader, CONNECTS, { value: true })
  return connectionLoader
}

function isConnectionLoader(loader: ModuleLoader): boolean {
  return (loader as unknown as Record<symbol, unknown>)[CONNECTS] === true
}

/** Medusa's marker on module options: the module should use the app's shared connection. */
const IS_SHARED_CONNECTION = Symbol.for("isSharedConnection")
/** Medusa's container key of that connection (a knex instance). */
const PG_CONNECTION = "__pg_connection__"

/**
 * The options with Medusa's shared connection as `database.connection`, when Medusa's loader
 * marks the options as sharing it and registered it in the module's container.
 */
function withLentConnection(container: AwilixContainer, options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const marked = !!options && (options as Record<symbol, unknown>)[IS_SHARED_CONNECTION] === true
  if (!marked || !container.hasRegistration(PG_CONNECTION)) return options
  const connection = container.resolve(PG_CONNECTION)
  return { ...options, database: { ...(options!.database as object | undefined), connection } }
}

/**
 * A module's loaders as any host runs them, in order: the CONNECTION_LOADER marker replaced by the
 * module's connection (added first when the module has models and does not place it). Loaders that
 * already contain a connection are returned as they are, so this can be applied twice.
 */
export function moduleLoaders(definition: Pick<ModuleExports, "name" | "service" | "migrations" | "loaders" | "internalModels">): ModuleLoader[] {
  const loaders = definition.loaders ?? []
  if (loaders.some(isConnectionLoader)) return loaders
  if (!modelsOf(definition).length) return loaders.filter((loader) => loader !== CONNECTION_LOADER)
  const connect = connectionLoader(definition)
  return loaders.includes(CONNECTION_LOADER) ? loaders.map((loader) => (loader === CONNECTION_LOADER ? connect : loader)) : [connect, ...loaders]
}

/** Declares a module the way Medusa's `Module(name, { service, loaders })` does. */
export function Module<TService>(name: string, definition: ModuleDefinitionInput<TService>): ModuleExports<TService> {
  if (!name) throw new Error("Module(name, definition) needs the module's name")
  if (typeof definition?.service !== "function") throw new Error(`Module "${name}" needs a service class`)
  const models = modelsOf(definition)
  const linkableKeys = definition.linkableKeys ?? {}
  // As Medusa's Module() does: the service tells Medusa's loader, Query and links what it holds.
  const joinerConfig = buildJoinerConfig(name, models, linkableKeys)
  const prototype = definition.service.prototype as { __joinerConfig?: () => unknown }
  if (!Object.prototype.hasOwnProperty.call(prototype, "__joinerConfig")) {
    Object.defineProperty(prototype, "__joinerConfig", { value: () => joinerConfig, writable: true, configurable: true })
  }
  const exports: ModuleExports<TService> = {
    name,
    service: definition.service,
    loaders: [],
    migrations: definition.migrations ?? [],
    linkable: buildLinkable(name, models, linkableKeys),
    internalModels: definition.internalModels ?? [],
    runMigrations: async ({ options, logger } = {}) => {
      const applied = await runModuleMigrations(moduleOrmConfig(exports, options))
      logger?.info(applied.length ? `${name}: applied ${applied.join(", ")}` : `${name}: database is up to date`)
      return applied.map((migration) => ({ name: migration }))
    },
    revertMigration: async ({ options, logger, migrationNames } = {}) => {
      const reverted = await revertModuleMigrations(moduleOrmConfig(exports, options), migrationNames?.length || 1)
      logger?.info(reverted.length ? `${name}: reverted ${reverted.join(", ")}` : `${name}: nothing to revert`)
    },
  }
  // Medusa's loader runs `loaders` as they are, so the connection is already in place here.
  exports.loaders = moduleLoaders({ ...exports, loaders: definition.loaders ?? [] })
  return exports
}

export function isModuleExports(value: unknown): value is ModuleExports {
  const v = value as ModuleExports | undefined
  return !!v && typeof v.name === "string" && typeof v.service === "function"
}

/** Each module records its migrations in its own table, so modules never see each other's. */
export function migrationsTableOf(name: string): string {
  return `${snakeCase(name)}_migrations`
}
