import type { Server } from "node:http"
import { ContainerRegistrationKeys, loadMedusaApp, moduleQueryCount, Modules, type ApiKeyModuleService, type Link, type MedusaApp, type SalesChannelModuleService } from "../src"
import { createApp } from "../src/http"
import { captureApiKeySelect } from "./admin-db-sql"
import { BENCH_APP_DIRECTORY, benchAppConfig, salesChannelLink } from "./app-config"

/** What the server child tells the parent once it listens. */
export interface ServerReady {
  kind: "ready"
  port: number
  secretToken: string
  secretKeyId: string
  publishableToken: string
  publishableKeyId: string
  salesChannelId: string
  /** A secret key limited to what GET /admin/api-keys/:id needs, for the least-privilege comparison. */
  scopedSecretToken: string
  /** A publishable key for the same channel that only https://shop.example.com may use from a browser. */
  originPublishableToken: string
  /** A secret key with a rate limit no load reaches (1,000,000 per second), for the rate limiter's cost. */
  limitedSecretToken: string
  /** The SELECT `GET /admin/api-keys/:id` sends for the secret key, for `raw_pg` to replay. */
  adminDbSql: string
}

/** A secret key for the admin routes, and a publishable key granting one sales channel for the store routes. */
async function createFixtures(app: MedusaApp) {
  const apiKeys = app.container.resolve<ApiKeyModuleService>(Modules.API_KEY)
  const secret = await apiKeys.create({ title: "bench http", type: "secret", created_by: "bench" })
  const publishable = await apiKeys.create({ title: "bench store", type: "publishable", created_by: "bench" })
  const channel = await app.container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL).createSalesChannels({ name: "Bench" })
  const scoped = await apiKeys.create({ title: "bench scoped", type: "secret", created_by: "bench", scopes: ["api_key:read"] })
  const withOrigins = await apiKeys.create({ title: "bench origins", type: "publishable", created_by: "bench", allowed_origins: ["https://shop.example.com", "https://*.example.org"] })
  const limited = await apiKeys.create({ title: "bench limited", type: "secret", created_by: "bench", rate_limit: { limit: 1_000_000, window_s: 1 } })
  const link = app.container.resolve<Link>(ContainerRegistrationKeys.LINK)
  await link.create([salesChannelLink(publishable.id, channel.id), salesChannelLink(withOrigins.id, channel.id)])
  return {
    secretToken: secret.token,
    secretKeyId: secret.id,
    publishableToken: publishable.token,
    publishableKeyId: publishable.id,
    salesChannelId: channel.id,
    scopedSecretToken: scoped.token,
    originPublishableToken: withOrigins.token,
    limitedSecretToken: limited.token,
  }
}

function listen(app: MedusaApp): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server: Server = createApp({ container: app.container, directory: BENCH_APP_DIRECTORY, logger: { info: () => undefined, error: () => undefined } }).listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 })
    })
  })
}

/**
 * The benchmark's server process: the real app over the bench database, on a free port. It
 * answers "query-count" with `moduleQueryCount()`, so the parent counts the SQL each load cost
 * here, where the queries are sent.
 */
async function main() {
  // BENCH_API_KEY_OPTIONS: the api key module's options as JSON (the rate limit bench sets the limiter's store).
  const apiKeyOptions = process.env.BENCH_API_KEY_OPTIONS ? (JSON.parse(process.env.BENCH_API_KEY_OPTIONS) as Record<string, unknown>) : undefined
  const app = await loadMedusaApp({ config: benchAppConfig(process.env.BENCH_DATABASE_URL!, apiKeyOptions), directory: BENCH_APP_DIRECTORY })
  const fixtures = await createFixtures(app)
  const { server, port } = await listen(app)
  process.on("message", (message: { kind?: string }) => {
    if (message?.kind === "query-count") process.send?.({ kind: "query-count", value: moduleQueryCount() })
  })
  process.on("SIGTERM", () => server.close(() => app.shutdown().then(() => process.exit(0))))
  // Also the first request with the secret key: its one scrypt verification happens here, not in a load.
  const adminDbSql = await captureApiKeySelect(
    app,
    () => fetch(`http://127.0.0.1:${port}/admin/api-keys/${fixtures.secretKeyId}`, { headers: { authorization: `Bearer ${fixtures.secretToken}` } }),
    fixtures.secretKeyId
  )
  const ready: ServerReady = { kind: "ready", port, ...fixtures, adminDbSql }
  process.send?.(ready)
}

main().catch((error) => {
  process.stderr.write(`[bench http-server] ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
