import { loadMedusaApp, runMigrations, type MedusaApp } from "../../src"
import { runMigrations as runSalesChannelMigrations } from "../../src/modules/sales-channel"
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
  const db = { database: { clientUrl: database.url } }
  await runMigrations({ options: db })
  await runSalesChannelMigrations({ options: db })
  const app = await loadMedusaApp({
    config: {
      projectConfig: { databaseUrl: database.url },
      modules: {
        apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT, ...options.apiKey } },
        salesChannel: { resolve: "@medusajs/sales-channel" },
      },
    },
  })
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
