import { initialize, runMigrations } from "../../src"
import type { ApiKeyModuleService } from "../../src"
import type { ApiKeyModuleOptions } from "../../src/modules/api-key/types/options"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./database"

/** Cheap real scrypt for suites that create many keys; the cost itself is tested elsewhere. */
export const FAST_SCRYPT = { logN: 10, r: 8, p: 1 }

export interface ModuleFixture {
  service: ApiKeyModuleService
  database: TestDatabase
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>
  close(): Promise<void>
}

/** A fresh database, migrated, and a module service on it. */
export async function setupApiKeyModule(options: Omit<ApiKeyModuleOptions, "database"> & { database?: ApiKeyModuleOptions["database"] } = {}): Promise<ModuleFixture> {
  const database = await createTestDatabase()
  const moduleOptions = { scrypt: FAST_SCRYPT, ...options, database: { ...options.database, clientUrl: database.url } }
  await runMigrations({ options: moduleOptions })
  const service = await initialize(moduleOptions)
  return {
    service,
    database,
    query: (sql, params) => queryDatabase(database.url, sql, params),
    close: async () => {
      await service.onApplicationShutdown()
      await database.drop()
    },
  }
}
