import path from "node:path"
import { isModuleExports, type ModuleExports } from "../module"
import type { LinkDefinition, LinkMigrations } from "../links"
import { MedusaError } from "../medusa-error"
import { currentModuleName } from "../definitions"

export interface ModuleConfigEntry {
  resolve?: string
  options?: Record<string, unknown>
  /** Array form only: the container key, when it differs from the module's own name. */
  key?: string
}

export interface MedusaConfig {
  projectConfig?: {
    databaseUrl?: string
    /** Redis for an app on several servers (Medusa's key): the event bus defaults to the Redis one. */
    redisUrl?: string
    /** Medusa's: "server" processes run no background work (event deliveries); default "shared". */
    workerMode?: "shared" | "worker" | "server"
    http?: Record<string, unknown>
    [key: string]: unknown
  }
  modules?: Record<string, ModuleConfigEntry | boolean | string> | (ModuleConfigEntry | string)[]
  [key: string]: unknown
}

/** What this package ships: modules by key, the package names that resolve to them, and links. */
export interface HostBuiltIns {
  modules: Record<string, ModuleExports>
  /** `"@medusajs/api-key"` → `"api_key"` … */
  packages: Record<string, string>
  links: LinkDefinition[]
  linkMigrations: LinkMigrations
  /** The host package's folder: an app there is the package itself. */
  packageRoot: string
  /**
   * Modules the host loads when medusa-config.js lists none of that module's name, as Medusa
   * loads its defaults (the event bus), by key.
   */
  defaultModules?(config: MedusaConfig): Record<string, ModuleConfigEntry>
  /** Options a built-in module takes from the project config unless given (the Redis event bus's `redisUrl`). */
  optionDefaults?(definition: ModuleExports, config: MedusaConfig): Record<string, unknown>
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

function listModuleRequests(modules: MedusaConfig["modules"], builtIns: HostBuiltIns): ModuleRequest[] {
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
    const resolve = e.resolve ?? (builtIns.modules[currentModuleName(key)] ? currentModuleName(key) : undefined)
    if (!resolve) {
      throw configError(`Unknown module ${key} in medusa-config.js: give it a resolve (a package name or a path), or use a built-in key (${Object.keys(builtIns.modules).join(", ")})`)
    }
    return [{ key, resolve, options: e.options ?? {} }]
  })
}

function resolveModuleDefinition(resolve: string, directory: string, builtIns: HostBuiltIns): ModuleExports {
  const builtIn = builtIns.modules[builtIns.packages[resolve] ?? currentModuleName(resolve)]
  if (builtIn) return builtIn
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
export function listAppModules(config: MedusaConfig, directory: string, databaseUrl: string | undefined, builtIns: HostBuiltIns): AppModule[] {
  const resolved = (requests: ModuleRequest[]) =>
    requests.map((request) => {
      const definition = resolveModuleDefinition(request.resolve, directory, builtIns)
      const defaults = builtIns.optionDefaults?.(definition, config) ?? {}
      return {
        key: request.key ?? definition.name,
        resolve: request.resolve,
        definition,
        options: { ...defaults, ...request.options, database: { clientUrl: databaseUrl, ...(request.options.database as object | undefined) } },
      }
    })
  const listed = resolved(listModuleRequests(config.modules, builtIns))
  const names = new Set(listed.map((m) => currentModuleName(m.definition.name)))
  const defaults = resolved(listModuleRequests(builtIns.defaultModules?.(config), builtIns)).filter((m) => !names.has(currentModuleName(m.definition.name)))
  return [...listed, ...defaults]
}
