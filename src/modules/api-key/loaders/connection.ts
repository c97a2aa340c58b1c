import { asValue } from "awilix"
import { connectModuleOrm } from "../../../framework/modules-sdk/database"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { ApiKeySchema } from "../models/api-key"
import { apiKeyMigrations } from "../../../../migrations/api-key"
import type { ApiKeyModuleOptions } from "../types/options"

export const API_KEY_MIGRATIONS_TABLE = "api_key_migrations"

export function apiKeyOrmConfig(options: ApiKeyModuleOptions) {
  return {
    database: options.database,
    entities: [ApiKeySchema],
    migrationsList: apiKeyMigrations,
    migrationsTable: API_KEY_MIGRATIONS_TABLE,
  }
}

/** Opens the module's own ORM; the module container closes it on dispose. */
export async function connectionLoader({ container, options }: ModuleLoaderArgs<ApiKeyModuleOptions>): Promise<void> {
  const orm = await connectModuleOrm(apiKeyOrmConfig(options))
  container.register({ orm: asValue(orm) })
}
