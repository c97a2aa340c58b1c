import path from "node:path"
import { asValue, createContainer, InjectionMode, type AwilixContainer } from "awilix"
import type { MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../change-feed"
import { openChangeFeed } from "../change-feed-selection"
import { pingDatabase } from "../database"
import { loadModule, type LoadedModule } from "../load-module"
import { currentModuleName, ModuleRegistrationName, Modules } from "../definitions"
import type { IEventBusModuleService, Logger, WorkerMode } from "../../event-bus"
import { readAppSubscribers, registerSubscribers } from "../../subscribers"
import { MedusaError } from "../medusa-error"
import { modelsOf } from "../module"
import { loadLinks, Query, type Link, type LinkDefinition } from "../links"
import { readAppLinks } from "./app-links"
import { loadAppWorkflows } from "./app-workflows"
import { listAppModules, readMedusaConfig, type AppModule, type HostBuiltIns, type MedusaConfig } from "./config"

export interface LoadMedusaAppOptions {
  /** The app folder holding medusa-config.js; defaults to the current working directory. */
  directory?: string
  /** Overrides projectConfig.databaseUrl (the CLI uses it for its embedded database). */
  databaseUrl?: string
  /** Use this config instead of reading medusa-config.js. */
  config?: MedusaConfig
  /**
   * Overrides projectConfig.workerMode: "server" emits events but takes no deliveries from the
   * Redis event bus (the CLI's commands run so; a server defaults to "shared").
   */
  workerMode?: WorkerMode
  /** The `logger` registered in the app and in every module (default: stderr). */
  logger?: Logger
}

export interface MedusaApp {
  container: AwilixContainer
  config: MedusaConfig
  directory: string
  /** The loaded modules, by container key. */
  modules: Record<string, LoadedModule>
  shutdown(): Promise<void>
}

/** The app container's database health check: `() => Promise<boolean>`. */
export const HEALTH_CHECK = "databaseHealthCheck"

/** Medusa's container keys for the link and query services. */
export const ContainerRegistrationKeys = { LINK: "link", QUERY: "query", CHANGE_FEED: "changeFeed", LOGGER: "logger" } as const

/** Every line to stderr: stdout may be a command's output (the CLI prints a token there). */
const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`${message}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
}

/** "api_key" → ["api_key", "apiKey"], "event_bus" → […, "eventBusModuleService"]: the names a module's service is registered under. */
function moduleAliases(name: string): string[] {
  const current = currentModuleName(name)
  const seed = current.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
  const era = Object.entries(Modules).find(([, value]) => value === current)?.[0]
  const registered = era ? [ModuleRegistrationName[era as keyof typeof ModuleRegistrationName]] : []
  return [...new Set([current, seed, ...registered])]
}

function isEventBus(module: AppModule): boolean {
  return currentModuleName(module.definition.name) === Modules.EVENT_BUS
}

/**
 * The modules in load order: the event bus first, as Medusa loads it, so every other module's
 * container gets it; one event bus at most.
 */
function inLoadOrder(modules: AppModule[]): AppModule[] {
  const buses = modules.filter(isEventBus)
  if (buses.length > 1) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `medusa-config.js lists ${buses.length} event bus modules (${buses.map((m) => m.key).join(", ")}); keep one`)
  }
  return [...buses, ...modules.filter((m) => !isEventBus(m))]
}

/** The built-in links whose two modules the app runs, and the app's own links (src/links). */
export function applicableLinks(modules: AppModule[], builtIns: HostBuiltIns, directory: string): LinkDefinition[] {
  const names = new Set(modules.map((m) => currentModuleName(m.definition.name)))
  const builtIn = builtIns.links.filter((link) => link.sides.every((side) => names.has(side.serviceName)))
  return [...builtIn, ...readAppLinks(directory, builtIns.packageRoot)]
}

/**
 * Reads medusa-config.js, loads every module it lists (each in its own container), then the
 * links between them, then the app's `src/workflows` (registering its hook handlers), and returns an app container where `container.resolve(Modules.API_KEY)` is
 * the module's service and `link` and `query` work across modules.
 */
export async function loadApp(options: LoadMedusaAppOptions, builtIns: HostBuiltIns): Promise<MedusaApp> {
  const directory = path.resolve(options.directory ?? process.cwd())
  const config = options.config ?? readMedusaConfig(directory)
  const databaseUrl = options.databaseUrl ?? config.projectConfig?.databaseUrl
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  const logger = options.logger ?? stderrLogger
  const workerMode = options.workerMode ?? config.projectConfig?.workerMode ?? "shared"
  container.register({ configModule: asValue(config), [ContainerRegistrationKeys.LOGGER]: asValue(logger) })
  const loaded: Record<string, LoadedModule> = {}
  const order: string[] = []
  let closeLinks: (() => Promise<void>) | undefined
  // The app's own change feed: link changes are published on it, and the host's caches (e.g. the
  // store's publishable key contexts) follow modules and links through it. It connects only once
  // something subscribes.
  // With projectConfig.redisUrl every module's feed and this one run over Redis (see openChangeFeed).
  const redisUrl = typeof config.projectConfig?.redisUrl === "string" ? config.projectConfig.redisUrl : undefined
  let changeFeed: ChangeFeed | undefined
  const shutdown = async () => {
    // Deliveries under way finish first, while every module they may use is still open.
    for (const key of order) await prepareShutdown(loaded[key].service).catch(() => undefined)
    await changeFeed?.close()
    await closeLinks?.().catch(() => undefined)
    for (const key of order.slice().reverse()) await loaded[key].shutdown().catch(() => undefined)
    await container.dispose()
  }

  try {
    changeFeed = databaseUrl ? await openChangeFeed({ connectionString: databaseUrl, redisUrl }) : undefined
    const appModules = inLoadOrder(listAppModules(config, directory, databaseUrl, builtIns))
    let eventBus: IEventBusModuleService | undefined
    for (const module of appModules) {
      const { key, resolve, definition, options: moduleOptions } = module
      if (loaded[key]) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Module ${key} is listed twice in medusa-config.js`)
      // What Medusa's loader puts in every module container: the logger and the app's event bus.
      const registrations = { logger, ...(eventBus ? { [Modules.EVENT_BUS]: eventBus, [ModuleRegistrationName.EVENT_BUS]: eventBus } : {}) }
      try {
        loaded[key] = await loadModule(definition, moduleOptions, { registrations, declaration: { worker_mode: workerMode }, redisUrl })
        if (isEventBus(module)) eventBus = loaded[key].service as IEventBusModuleService
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        const type = MedusaError.isMedusaError(error) ? error.type : MedusaError.Types.UNEXPECTED_STATE
        throw new MedusaError(type, `Could not load module ${key} (${resolve}): ${reason}`)
      }
      order.push(key)
      container.register(key, asValue(loaded[key].service))
      // Both eras' names resolve the module: "api_key" (Modules.API_KEY) and "apiKey" (ModuleRegistrationName.API_KEY).
      for (const alias of moduleAliases(definition.name)) {
        if (alias !== key && !container.hasRegistration(alias)) container.register(alias, asValue(loaded[key].service))
      }
    }
    const definitions = applicableLinks(appModules, builtIns, directory)
    const links = definitions.length ? await loadLinks(definitions, { clientUrl: databaseUrl }, builtIns.linkMigrations, changeFeed, eventBus) : undefined
    closeLinks = links?.close
    const queryModules = appModules.map(({ key, definition }) => ({ name: currentModuleName(definition.name), service: loaded[key].service, models: modelsOf(definition) }))
    const orms = Object.values(loaded).flatMap((m) => (m.container.hasRegistration("orm") ? [m.container.resolve<MikroORM>("orm")] : []))
    container.register({
      [ContainerRegistrationKeys.LINK]: asValue(links?.link as Link | undefined),
      [ContainerRegistrationKeys.QUERY]: asValue(new Query(queryModules, links?.tables ?? [])),
      [ContainerRegistrationKeys.CHANGE_FEED]: asValue(changeFeed),
      // Every module's database answers (what /health reports).
      [HEALTH_CHECK]: asValue(async () => (await Promise.all(orms.map((orm) => pingDatabase(orm)))).every(Boolean)),
    })
    // Last, as in Medusa: the app's workflows and the hook handlers they register, then its subscribers.
    loadAppWorkflows(directory, builtIns.packageRoot)
    loadAppSubscribers(directory, builtIns.packageRoot, container, eventBus)
  } catch (error) {
    await shutdown()
    throw error
  }
  return { container, config, directory, modules: loaded, shutdown }
}

/** Medusa's hook before modules close: the event bus stops taking deliveries and lets running ones finish. */
async function prepareShutdown(service: unknown): Promise<void> {
  const hooks = (service as { __hooks?: { onApplicationPrepareShutdown?: () => Promise<void> } } | undefined)?.__hooks
  await hooks?.onApplicationPrepareShutdown?.()
}

/** The app's `src/subscribers`, subscribed on its event bus with the app container. */
function loadAppSubscribers(directory: string, packageRoot: string, container: AwilixContainer, eventBus: IEventBusModuleService | undefined): void {
  const subscribers = readAppSubscribers(directory, packageRoot)
  if (!subscribers.length) return
  if (!eventBus) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `${subscribers[0].file} needs an event bus: add one to medusa-config.js (modules: { eventBus: { resolve: "@medusajs/event-bus-local" } })`)
  }
  registerSubscribers(subscribers, eventBus, container)
}
