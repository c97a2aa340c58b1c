import type { Server } from "node:http"
import { createHttpServer, timeoutsFromEnvironment } from "../../framework/http/server"
import { BUILT_DASHBOARD, createApp } from "../../http"
import { DASHBOARD_PATH } from "../../framework/http/dashboard"
import { loadMedusaApp, runAppMigrations, type MedusaApp } from "../../medusa-app"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import type { ChangeFeed } from "../../framework/modules-sdk/change-feed"
import { ContainerRegistrationKeys } from "../../framework/modules-sdk/app"
import { parseCommandArgs } from "../args"
import { describeStoreDefaults, ensureStoreDefaults } from "../store-defaults"
import { EXIT_OK, UsageError, type CliContext, type CliIO } from "../io"
import { describeDatabase, loadProject, openProjectDatabase } from "../project"

const DEFAULT_PORT = 9000
/** How long in-flight requests may take to finish after SIGTERM before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000
const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const

function parsePort(raw: string, from: string): number {
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`${from} must be a port number from 0 to 65535; got "${raw}"`, "start")
  return port
}

/**
 * Resolves with the first SIGTERM/SIGINT. Listening from the very start means a signal during
 * start-up still ends in an orderly shutdown; a second signal gives up on draining.
 */
function shutdownSignal(io: CliIO): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        io.info(`Received ${signal} again: exiting without waiting`)
        process.exit(1)
      }
      received = signal
      resolve(signal)
    }
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal)
  })
}

function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new MedusaError(MedusaError.Types.INVALID_DATA, `Port ${port} is already in use: set PORT to a free port`)
          : error
      )
    })
    server.listen(port, host, () => {
      const address = server.address()
      resolve(typeof address === "object" && address ? address.port : port)
    })
  })
}

/**
 * Stops accepting connections and waits for in-flight requests to finish. Keep-alive
 * connections are closed as soon as they fall idle; after DRAIN_TIMEOUT_MS the rest are cut.
 */
function drain(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100)
    const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS)
    server.close(() => {
      clearInterval(idleSweep)
      clearTimeout(deadline)
      resolve()
    })
    server.closeIdleConnections()
  })
}

export async function start(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs("start", args, { port: { type: "string" } })
  const port = values.port !== undefined ? parsePort(values.port, "--port") : parsePort(process.env.PORT || String(DEFAULT_PORT), "PORT")
  const stopRequested = shutdownSignal(ctx)
  const project = loadProject(ctx.directory)
  const db = await openProjectDatabase(project, "server", ctx.info)
  let app: MedusaApp | undefined
  try {
    ctx.info(`Database: ${describeDatabase(db)}`)
    const applied = (await runAppMigrations(project.config, project.directory, db.url)).flatMap((r) => r.migrations)
    if (applied.length) ctx.info(`Applied ${applied.length} migration(s): ${applied.join(", ")}`)
    app = await loadMedusaApp({ directory: project.directory, config: project.config, databaseUrl: db.url })
    const feed = app.container.resolve<ChangeFeed | undefined>(ContainerRegistrationKeys.CHANGE_FEED)
    if (feed) ctx.info(feed.describe())
    for (const line of describeStoreDefaults(await ensureStoreDefaults(app, db.url))) ctx.info(line)
    const http = createApp({ container: app.container, directory: project.directory })
    const server = createHttpServer(http, timeoutsFromEnvironment())
    const actualPort = await listen(server, port, process.env.HOST || undefined)
    ctx.out(`Server is ready on http://localhost:${actualPort}`)
    ctx.info(
      http.dashboardServed
        ? `Admin dashboard: http://localhost:${actualPort}${DASHBOARD_PATH}`
        : `Admin dashboard not built (${BUILT_DASHBOARD} is missing): run "npm run build" to serve it at ${DASHBOARD_PATH}`
    )

    const signal = await stopRequested
    ctx.info(`Received ${signal}: finishing in-flight requests`)
    await drain(server)
  } finally {
    await app?.shutdown()
    await db.release()
  }
  ctx.info("Stopped")
  return EXIT_OK
}
