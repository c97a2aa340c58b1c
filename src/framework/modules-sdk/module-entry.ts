import type { ModuleExports } from "./module"
import { loadModule, moduleOrmConfig } from "./load-module"
import { revertModuleMigrations, runModuleMigrations } from "./database"

export interface ModuleEntry<TService, TOptions> {
  /** A ready service outside any app: `initialize({ database: { clientUrl } })`. */
  initialize(options: TOptions): Promise<TService>
  runMigrations(args: { options: TOptions }): Promise<string[]>
  revertMigration(args: { options: TOptions; step?: number }): Promise<string[]>
}

/** What every module package exports beside its definition, derived from the definition alone. */
export function moduleEntry<TService, TOptions>(definition: ModuleExports<TService>): ModuleEntry<TService, TOptions> {
  const config = (options: TOptions) => moduleOrmConfig(definition as ModuleExports, options as Record<string, unknown>)
  return {
    initialize: async (options) => (await loadModule(definition, options)).service,
    runMigrations: ({ options }) => runModuleMigrations(config(options)),
    revertMigration: ({ options, step }) => revertModuleMigrations(config(options), step),
  }
}
