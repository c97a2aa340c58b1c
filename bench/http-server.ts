import type { Server } from "node:http"
import path from "node:path"
import { loadMedusaApp, Modules, type ApiKeyModuleService } from "../src"
import { createApp } from "../src/http"

/** Source folder of the bench app (its route files are plain .js, read where they are). */
const BENCH_APP_DIRECTORY = path.resolve(__dirname, "../../bench/app")

/** The benchmark's server process: the real app over the bench database, on a free port. */
async function main() {
  const app = await loadMedusaApp({
    config: { projectConfig: { databaseUrl: process.env.BENCH_DATABASE_URL }, modules: { apiKey: { resolve: "@medusajs/api-key" } } },
  })
  const key = await app.container.resolve<ApiKeyModuleService>(Modules.API_KEY).create({ title: "bench http", type: "secret", created_by: "bench" })
  const server: Server = createApp({ container: app.container, directory: BENCH_APP_DIRECTORY, logger: { info: () => undefined, error: () => undefined } }).listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address ? address.port : 0
    process.send?.({ kind: "ready", port, token: key.token, keyId: key.id })
  })
  process.on("SIGTERM", () => server.close(() => app.shutdown().then(() => process.exit(0))))
}

main().catch((error) => {
  process.stderr.write(`[bench http-server] ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
