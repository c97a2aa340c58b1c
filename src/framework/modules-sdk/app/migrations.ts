import { revertModuleMigrations, runModuleMigrations } from "../database"
import { moduleOrmConfig } from "../load-module"
import { revertLinkMigrations, runLinkMigrations } from "../links"
import { modelsOf } from "../module"
import type { AppModule, HostBuiltIns } from "./config"
import { applicableLinks } from "./load-app"

/** Modules without tables (the event buses) have nothing to migrate and get no migrations table. */
export function hasTables(module: AppModule): boolean {
  return modelsOf(module.definition).length > 0 || module.definition.migrations.length > 0
}

export interface MigrationReport {
  module: string
  migrations: string[]
}

/** Applies every module's pending migrations, in the order medusa-config.js lists them, then the links'. */
export async function runAppMigrations(modules: AppModule[], directory: string, databaseUrl: string | undefined, builtIns: HostBuiltIns): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  for (const { key, definition, options } of modules.filter(hasTables)) {
    reports.push({ module: key, migrations: await runModuleMigrations(moduleOrmConfig(definition, options)) })
  }
  const links = applicableLinks(modules, builtIns, directory)
  if (links.length) reports.push({ module: "links", migrations: await runLinkMigrations(links, { clientUrl: databaseUrl }, builtIns.linkMigrations) })
  return reports
}

/**
 * Reverts the newest `step` migrations of the links, then of each module, last-listed first (0: all).
 * `only` names the modules to revert (their medusa-config keys, or "links"), as
 * `medusa db:rollback api_key` names one; without it every module is reverted.
 */
export async function revertAppMigrations(
  modules: AppModule[],
  directory: string,
  databaseUrl: string | undefined,
  builtIns: HostBuiltIns,
  step: number,
  only?: string[]
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  const links = applicableLinks(modules, builtIns, directory)
  if (links.length && (!only || only.includes("links"))) {
    reports.push({ module: "links", migrations: await revertLinkMigrations(links, { clientUrl: databaseUrl }, builtIns.linkMigrations, step) })
  }
  for (const { key, definition, options } of [...modules].reverse().filter((m) => hasTables(m) && (!only || only.includes(m.key)))) {
    reports.push({ module: key, migrations: await revertModuleMigrations(moduleOrmConfig(definition, options), step) })
  }
  return reports
}
