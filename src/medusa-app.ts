import { asValue } from "awilix"
import { PUBLISHABLE_KEY_CONTEXTS, PublishableKeyContexts } from "./api/store/publishable-key-contexts"
import { PUBLISHABLE_KEY_ORIGINS, PublishableKeyOrigins } from "./api/store/publishable-key-origins"
import type { ChangeFeed } from "./framework/modules-sdk/change-feed"
import { Modules } from "./framework/modules-sdk/definitions"
import { MedusaError } from "./framework/modules-sdk/medusa-error"
import {
  ContainerRegistrationKeys,
  hasTables,
  listAppModules as listModules,
  loadApp,
  revertAppMigrations as revertMigrations,
  runAppMigrations as runMigrations,
  type AppModule,
  type HostBuiltIns,
  type LoadMedusaAppOptions,
  type MedusaApp,
  type MedusaConfig,
  type MigrationReport,
} from "./framework/modules-sdk/app"
import { findPackageRoot } from "./framework/modules-sdk/app/package-root"
import { builtInLinkMigrations, builtInLinks } from "./links"
import apiKeyModule from "./modules/api-key"
import salesChannelModule from "./modules/sales-channel"
import eventBusLocalModule from "./modules/event-bus-local"
import eventBusRedisModule from "./modules/event-bus-redis"
import type { NormalizedApiKeyModuleOptions } from "./modules/api-key/loaders/options"

/**
 * The host as this package ships it: the generic app loader of the framework, given the modules
 * and links that come with the package. `resolve: "@medusajs/api-key"` (or the key alone) loads
 * the module shipped here; any other resolve is a path or an installed package.
 */
/** The built-in key of the Redis event bus (`Modules.EVENT_BUS` itself is the local one, Medusa's default). */
const EVENT_BUS_REDIS = "event_bus_redis"
const EVENT_BUS_PACKAGES = { local: "@medusajs/event-bus-local", redis: "@medusajs/event-bus-redis" }

export const BUILT_INS: HostBuiltIns = {
  modules: {
    [Modules.API_KEY]: apiKeyModule,
    [Modules.SALES_CHANNEL]: salesChannelModule,
    [Modules.EVENT_BUS]: eventBusLocalModule,
    [EVENT_BUS_REDIS]: eventBusRedisModule,
  },
  packages: {
    "@medusajs/api-key": Modules.API_KEY,
    "@medusajs/medusa/api-key": Modules.API_KEY,
    "@medusajs/sales-channel": Modules.SALES_CHANNEL,
    "@medusajs/medusa/sales-channel": Modules.SALES_CHANNEL,
    [EVENT_BUS_PACKAGES.local]: Modules.EVENT_BUS,
    "@medusajs/medusa/event-bus-local": Modules.EVENT_BUS,
    [EVENT_BUS_PACKAGES.redis]: EVENT_BUS_REDIS,
    "@medusajs/medusa/event-bus-redis": EVENT_BUS_REDIS,
  },
  links: builtInLinks,
  linkMigrations: builtInLinkMigrations,
  packageRoot: findPackageRoot(__dirname),
  // An app always has an event bus, as in Medusa: the one medusa-config.js names, else the Redis
  // one when Redis is configured (projectConfig.redisUrl), else the local one.
  defaultModules: (config) => ({
    [Modules.EVENT_BUS]: { resolve: config.projectConfig?.redisUrl ? EVENT_BUS_PACKAGES.redis : EVENT_BUS_PACKAGES.local },
  }),
  optionDefaults: (definition, config) => (definition === eventBusRedisModule ? { redisUrl: config.projectConfig?.redisUrl } : {}),
}

export async function loadMedusaApp(options: LoadMedusaAppOptions = {}): Promise<MedusaApp> {
  const app = await loadApp(options, BUILT_INS)
  registerPublishableKeyContexts(app)
  return app
}

/**
 * The store guard's cache of publishable key contexts, and of the origins keys list (for
 * preflights), one each per app, following the app's change feed. They take the api key module's
 * `authCache` settings (`authCache: false` turns them off too).
 */
function registerPublishableKeyContexts(app: MedusaApp): void {
  const apiKeyModule = Object.values(app.modules).find((m) => m.container.hasRegistration("apiKeyOptions"))
  if (!apiKeyModule) return
  const settings = apiKeyModule.container.resolve<NormalizedApiKeyModuleOptions>("apiKeyOptions").authCache
  const feed = app.container.resolve<ChangeFeed | undefined>(ContainerRegistrationKeys.CHANGE_FEED)
  app.container.register(PUBLISHABLE_KEY_CONTEXTS, asValue(new PublishableKeyContexts(settings, feed)))
  app.container.register(PUBLISHABLE_KEY_ORIGINS, asValue(new PublishableKeyOrigins(settings, feed)))
}

/** The modules medusa-config.js lists, resolved to their definitions and options (database defaulting to the project's). */
export function listAppModules(config: MedusaConfig, directory: string, databaseUrl: string | undefined): AppModule[] {
  return listModules(config, directory, databaseUrl, BUILT_INS)
}

export function runAppMigrations(config: MedusaConfig, directory: string, databaseUrl: string | undefined): Promise<MigrationReport[]> {
  return runMigrations(listAppModules(config, directory, databaseUrl), directory, databaseUrl, BUILT_INS)
}

/** `only`: the modules to revert (medusa-config keys such as "apiKey", Medusa's names such as "api_key", or "links"). */
export function revertAppMigrations(config: MedusaConfig, directory: string, databaseUrl: string | undefined, step: number, only?: string[]): Promise<MigrationReport[]> {
  const modules = listAppModules(config, directory, databaseUrl)
  const keys = only?.map((name) => (name === "links" ? name : moduleKeyNamed(modules.filter(hasTables), name)))
  return revertMigrations(modules, directory, databaseUrl, BUILT_INS, step, keys)
}

/** A module's medusa-config key from that key or its snake_case form (Medusa's CLI names "api_key"). */
function moduleKeyNamed(modules: { key: string }[], name: string): string {
  const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  const found = modules.find((m) => m.key === name || snake(m.key) === name)
  if (!found) {
    const names = [...modules.map((m) => m.key), "links"]
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `No module "${name}" in medusa-config.js; name one of ${names.join(", ")}`)
  }
  return found.key
}

export type { LoadMedusaAppOptions, MedusaApp, MedusaConfig, MigrationReport }
