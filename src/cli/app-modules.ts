import type { AppModule } from "../framework/modules-sdk/load-app"

export { listAppModules, type AppModule } from "../framework/modules-sdk/load-app"

export interface MigrationReport {
  module: string
  migrations: string[]
}

/** Applies every module's pending migrations, in the order medusa-config.js lists the modules. */
export async function runAppMigrations(modules: AppModule[]): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  for (const { key, definition, options } of modules) {
    if (!definition.migrations) continue
    reports.push({ module: key, migrations: await definition.migrations.runMigrations({ options }) })
  }
  return reports
}

/** Reverts the newest `step` migrations of each module (0: all), last-listed module first. */
export async function revertAppMigrations(modules: AppModule[], step: number): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  for (const { key, definition, options } of [...modules].reverse()) {
    if (!definition.migrations) continue
    reports.push({ module: key, migrations: await definition.migrations.revertMigration({ options, step }) })
  }
  return reports
}
