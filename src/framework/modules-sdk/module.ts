import type { AwilixContainer } from "awilix"

export interface ModuleLoaderArgs<TOptions = Record<string, unknown>> {
  /** The module's own container: its internal registrations live here, not in the app's. */
  container: AwilixContainer
  options: TOptions
}

export type ModuleLoader<TOptions = any> = (args: ModuleLoaderArgs<TOptions>) => void | Promise<void>

export interface ModuleMigrations<TOptions = any> {
  runMigrations(args: { options: TOptions }): Promise<string[]>
  revertMigration(args: { options: TOptions; step?: number }): Promise<string[]>
}

export interface ModuleExports<TService = unknown, TOptions = any> {
  /** The container key of the module, e.g. "apiKey". */
  name: string
  service: new (deps: any, options: TOptions) => TService
  loaders: ModuleLoader<TOptions>[]
  migrations?: ModuleMigrations<TOptions>
  /** Validates and fills in defaults before loaders run; throws on bad options. */
  normalizeOptions?: (options: unknown) => TOptions
}

/** Declares a module the way Medusa's `Module(name, { service, loaders })` does. */
export function Module<TService, TOptions>(
  name: string,
  definition: Omit<ModuleExports<TService, TOptions>, "name">
): ModuleExports<TService, TOptions> {
  if (!name) {
    throw new Error("Module(name, definition) needs the module's name")
  }
  if (typeof definition?.service !== "function") {
    throw new Error(`Module "${name}" needs a service class`)
  }
  return { name, ...definition, loaders: definition.loaders ?? [] }
}

export function isModuleExports(value: unknown): value is ModuleExports {
  const v = value as ModuleExports | undefined
  return !!v && typeof v.name === "string" && typeof v.service === "function"
}
