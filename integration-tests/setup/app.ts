import { loadMedusaApp, runAppMigrations, type MedusaApp, type MedusaConfig } from "../../src"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./database"
import { FAST_SCRYPT } from "./module"

export interface AppFixture {
  app: MedusaApp
  database: TestDatabase
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>
  close(): Promise<void>
}

/** A fresh database with both modules migrated, and an app container over it. */
export async function setupApp(options: { apiKey?: Record<string, unknown> } = {}): Promise<AppFixture> {
  const database = await createTestDatabase("app")
  const config: MedusaConfig = {
    projectConfig: { databaseUrl: database.url },
    modules: {
      apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT, ...options.apiKey } },
      salesChannel: { resolve: "@medusajs/sales-channel" },
    },
  }
  await runAppMigrations(config, process.cwd(), database.url)
  const app = await loadMedusaApp({ config })
  return {
    app,
    database,
    query: (sql, params) => queryDatabase(database.url, sql, params),
    close: async () => {
      await app.shutdown()
      await database.drop()
    },
  }
}
