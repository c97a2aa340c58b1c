import { Module, type ModuleExports, type ModuleLoader } from "./module"
import { loadModule } from "./load-module"
import { revertModuleMigrations, runModuleMigrations, type ModuleOrmConfig } from "./database"

export interface ModuleEntry<TService, TOptions> {
  /** The definition medusa-config.js resolves to (the package's default export). */
  definition: ModuleExports<TService, TOptions>
  /** A ready service outside any app: `initialize({ database: { clientUrl } })`. */
  initialize(options: TOptions): Promise<TService>
  runMigrations(args: { options: TOptions }): Promise<string[]>
  revertMigration(args: { options: TOptions; step?: number }): Promise<string[]>
}

/**
 * What every module package exports, built from its parts: the service, its loaders, how it
 * checks options, and its ORM configuration (entities and migrations).
 */
export function createModuleEntry<TService, TOptions, TNormalized extends TOptions>(
  name: string,
  parts: {
    service: ModuleExports<TService, TNormalized>["service"]
    loaders: ModuleLoader<TNormalized>[]
    normalizeOptions: (options: unknown) => TNormalized
    ormConfig: (options: TNormalized) => ModuleOrmConfig
  }
): ModuleEntry<TService, TOptions> {
  const { service, loaders, normalizeOptions, ormConfig } = parts
  const runMigrations = ({ options }: { options: TOptions }) => runModuleMigrations(ormConfig(normalizeOptions(options)))
  const revertMigration = ({ options, step }: { options: TOptions; step?: number }) =>
    revertModuleMigrations(ormConfig(normalizeOptions(options)), step)
  const definition = Module(name, { service, loaders, normalizeOptions, migrations: { runMigrations, revertMigration } })
  const initialize = async (options: TOptions) => (await loadModule(definition, options)).service
  return { definition: definition as unknown as ModuleExports<TService, TOptions>, initialize, runMigrations, revertMigration }
}
