import { createApp, type MedusaExpressApp } from "../../src/http"
import type { HttpLogger } from "../../src/framework/http/errors"
import type { DashboardOptions } from "../../src/framework/http/dashboard"
import { loadMedusaApp, runAppMigrations, type MedusaApp, type MedusaConfig } from "../../src/medusa-app"
import { Modules } from "../../src/framework/modules-sdk/definitions"
import type { ApiKeyDTO } from "../../src/modules/api-key/types/api-key"
import type { IApiKeyModuleService } from "../../src/modules/api-key/types/service"
import type { SalesChannelModuleService } from "../../src/modules/sales-channel"
import { createTestDatabase, type TestDatabase } from "./database"
import { FAST_SCRYPT } from "./module"

/**
 * The HTTP app over a real app container: a fresh database, every module's migrations applied
 * (as `start` applies them), loadMedusaApp with both modules, and an admin secret key.
 */
export interface HttpFixture {
  app: MedusaExpressApp
  medusa: MedusaApp
  database: TestDatabase
  apiKeys: IApiKeyModuleService
  salesChannels: SalesChannelModuleService
  admin: ApiKeyDTO
  /** The admin key's raw token. */
  adminToken: string
  /** Server errors the app reported (500s), instead of printing them. */
  errors: string[]
  close(): Promise<void>
}

export interface HttpFixtureOptions {
  directory?: string
  bodyLimit?: string | number
  /** Leave the sales channel module out of the app. */
  withoutSalesChannels?: boolean
  /** More api key module options (merged over the fast test scrypt). */
  apiKey?: Record<string, unknown>
  /** Where the built dashboard is (served at /app); the package's dist/dashboard when omitted. */
  dashboard?: DashboardOptions
}

export function testConfig(databaseUrl: string, options: HttpFixtureOptions = {}): MedusaConfig {
  return {
    projectConfig: { databaseUrl },
    modules: {
      apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT, ...options.apiKey } },
      ...(options.withoutSalesChannels ? {} : { salesChannel: { resolve: "@medusajs/sales-channel" } }),
    },
  }
}

export async function setupHttpApp(options: HttpFixtureOptions = {}): Promise<HttpFixture> {
  const database = await createTestDatabase("http")
  const config = testConfig(database.url, options)
  const directory = options.directory ?? process.cwd()
  await runAppMigrations(config, directory, database.url)
  const medusa = await loadMedusaApp({ directory, config })
  const errors: string[] = []
  const logger: HttpLogger = { info: () => undefined, error: (message) => errors.push(message) }
  const app = createApp({ container: medusa.container, directory: options.directory, bodyLimit: options.bodyLimit, logger, dashboard: options.dashboard })
  const apiKeys = medusa.container.resolve<IApiKeyModuleService>(Modules.API_KEY)
  const admin = await apiKeys.createApiKeys({ title: "admin", type: "secret", created_by: "test" })
  return {
    app,
    medusa,
    database,
    apiKeys,
    salesChannels: options.withoutSalesChannels ? (undefined as never) : medusa.container.resolve(Modules.SALES_CHANNEL),
    admin,
    adminToken: admin.token,
    errors,
    close: async () => {
      await medusa.shutdown()
      await database.drop()
    },
  }
}

/** `Authorization: Basic base64("sk_…:")`, what `curl -u sk_…:` sends. */
export function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`${token}:`).toString("base64")}`
}
