import path from "node:path"
import { asValue, createContainer, InjectionMode, type AwilixContainer } from "awilix"
import { BUILT_IN_MODULE_PACKAGES, Modules } from "./definitions"
import { isModuleExports, type ModuleExports } from "./module"
import { loadModule, type LoadedModule } from "./load-module"
import { MedusaError } from "./medusa-error"

export interface ModuleConfigEntry {
  resolve?: string
  options?: Record<string, unknown>
  /** Array form only: the container key, when it differs from the module's own name. */
  key?: string
}

export interface MedusaConfig {
  projectConfig?: { databaseUrl?: string; http?: Record<string, unknown>; [key: string]: unknown }
  modules?: Record<string, ModuleConfigEntry | boolean | string> | (ModuleConfigEntry | string)[]
  [key: string]: unknown
}

export interface LoadMedusaAppOptions {
  /** The app folder holding medusa-config.js; defaults to the current working directory. */
  directory?: string
  /** Overrides projectConfig.databaseUrl (the CLI uses it for its embedded database). */
  databaseUrl?: string
  /** Use this config instead of reading medusa-config.js. */
  config?: MedusaConfig
}

export interface MedusaApp {
  container: AwilixContainer
  config: MedusaConfig
  directory: string
  /** The loaded modules, by container key. */
  modules: Record<string, LoadedModule>
  shutdown(): Promise<void>
}

/** Module definitions shipped in this package, loaded lazily to keep the import graph acyclic. */
const BUILT_IN_MODULES: Record<string, () => ModuleExports> = {
  [Modules.API_KEY]: () => require("../../index").default,
  [Modules.SALES_CHANNEL]: () => require("../../modules/sales-channel").default,
}

function configError(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

export function readMedusaConfig(directory: string): MedusaConfig {
  const file = path.join(directory, "medusa-config.js")
  let resolved: string
  try {
    resolved = require.resolve(file)
  } catch {
    throw configError(`No medusa-config.js in ${directory}: create one that exports { projectConfig, modules }`)
  }
  delete require.cache[resolved]
  const loaded = require(resolved)
  const config = (loaded?.default ?? loaded) as MedusaConfig
  if (!config || typeof config !== "object") {
    throw configError(`${file} must export an object such as { projectConfig: { databaseUrl }, modules: { apiKey: { resolve: "@medusajs/api-key" } } }`)
  }
  return config
}

interface ModuleRequest {
  key?: string
  resolve: string
  options: Record<string, unknown>
}

function listModuleRequests(modules: MedusaConfig["modules"]): ModuleRequest[] {
  if (!modules) return []
  if (Array.isArray(modules)) {
    return modules.map((entry, index) => {
      const e = typeof entry === "string" ? { resolve: entry } : entry
      if (!e || typeof e.resolve !== "string") {
        throw configError(`modules[${index}] needs a resolve (a package name or a path to the module)`)
      }
      return { key: e.key, resolve: e.resolve, options: e.options ?? {} }
    })
  }
  if (typeof modules !== "object") {
    throw configError("modules in medusa-config.js must be an object ({ apiKey: { resolve } }) or an array")
  }
  return Object.entries(modules).flatMap(([key, entry]) => {
    if (entry === false) return []
    const e = entry === true ? {} : typeof entry === "string" ? { resolve: entry } : entry
    const resolve = e.resolve ?? (BUILT_IN_MODULES[key] ? key : undefined)
    if (!resolve) {
      throw configError(`Unknown module ${key} in medusa-config.js: give it a resolve (a package name or a path), or use a built-in key (${Object.keys(BUILT_IN_MODULES).join(", ")})`)
    }
    return [{ key, resolve, options: e.options ?? {} }]
  })
}

function resolveModuleDefinition(resolve: string, directory: string): ModuleExports {
  const builtIn = BUILT_IN_MODULE_PACKAGES[resolve] ?? (BUILT_IN_MODULES[resolve] ? resolve : undefined)
  if (builtIn) {
    const load = BUILT_IN_MODULES[builtIn]
    if (!load) throw configError(`Module ${resolve} is not available in this package`)
    return load()
  }
  const target = resolve.startsWith(".") || path.isAbsolute(resolve) ? path.resolve(directory, resolve) : resolve
  let file: string
  try {
    file = require.resolve(target, { paths: [directory] })
  } catch {
    throw configError(`Cannot resolve module "${resolve}" from ${directory}: no such file or installed package`)
  }
  const loaded = require(file)
  const definition = [loaded?.default, loaded].find(isModuleExports)
  if (!definition) {
    throw configError(`"${resolve}" does not export a module definition: export default Module(name, { service, loaders })`)
  }
  return definition
}

export interface AppModule {
  /** The container key. */
  key: string
  /** What medusa-config.js gave as `resolve`. */
  resolve: string
  definition: ModuleExports
  /** The module's options, with `database.clientUrl` defaulting to the project's database. */
  options: Record<string, unknown>
}

/**
 * The modules medusa-config.js lists, resolved to their definitions and options — what
 * loadMedusaApp loads, and what db:migrate needs without starting any service.
 */
export function listAppModules(config: MedusaConfig, directory: string, databaseUrl: string | undefined): AppModule[] {
  return listModuleRequests(config.modules).map((request) => {
    const definition = resolveModuleDefinition(request.resolve, directory)
    return {
      key: request.key ?? definition.name,
      resolve: request.resolve,
      definition,
      options: { ...request.options, database: { clientUrl: databaseUrl, ...(request.options.database as object | undefined) } },
    }
  })
}

/**
 * Reads medusa-config.js, loads every module it lists (each in its own container) and returns
 * an app container where `container.resolve(Modules.API_KEY)` is the module's service.
 */
export async function loadMedusaApp(options: LoadMedusaAppOptions = {}): Promise<MedusaApp> {
  const directory = path.resolve(options.directory ?? process.cwd())
  const config = options.config ?? readMedusaConfig(directory)
  const databaseUrl = options.databaseUrl ?? config.projectConfig?.databaseUrl
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  container.register({ configModule: asValue(config) })
  const loaded: Record<string, LoadedModule> = {}
  const order: string[] = []
  const shutdown = async () => {
    for (const key of order.slice().reverse()) {
      await loaded[key].shutdown().catch(() => undefined)
    }
    await container.dispose()
  }

  try {
    for (const { key, resolve, definition, options: moduleOptions } of listAppModules(config, directory, databaseUrl)) {
      if (loaded[key]) throw configError(`Module ${key} is listed twice in medusa-config.js`)
      try {
        loaded[key] = await loadModule(definition, moduleOptions)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        const type = MedusaError.isMedusaError(error) ? error.type : MedusaError.Types.UNEXPECTED_STATE
        throw new MedusaError(type, `Could not load module ${key} (${resolve}): ${reason}`)
      }
      order.push(key)
      container.register(key, asValue(loaded[key].service))
    }
    // The publishable key ↔ sales channel link spans both modules, so it exists only when both do.
    if (loaded[Modules.API_KEY] && loaded[Modules.SALES_CHANNEL]) {
      const { ApiKeySalesChannelLink, API_KEY_SALES_CHANNEL_LINK } = require("../../modules/sales-channel/link")
      const link = new ApiKeySalesChannelLink({ apiKey: loaded[Modules.API_KEY].service, salesChannel: loaded[Modules.SALES_CHANNEL].service })
      container.register(API_KEY_SALES_CHANNEL_LINK, asValue(link))
    }
  } catch (error) {
    await shutdown()
    throw error
  }
  return { container, config, directory, modules: loaded, shutdown }
}
