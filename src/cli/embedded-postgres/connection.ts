import { createServer } from "node:net"
import { Client } from "pg"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"

export const DEFAULT_EMBEDDED_PORT = 54329
export const EMBEDDED_DATABASE_NAME = "medusa"
/** The superuser initdb creates, and the system user the server runs as when we are root. */
export const USER = "postgres"
// Local-only (bound to 127.0.0.1) development database; the password is not a secret.
export const PASSWORD = "postgres"
const START_TIMEOUT_MS = 30_000

export function connectionUrl(port: number, database = EMBEDDED_DATABASE_NAME): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
}

/** Fails early when the port is taken, before a connection could reach someone else's server. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", () =>
      reject(embeddedError(`Port ${port} is already in use, so the embedded database cannot listen there: set EMBEDDED_PG_PORT to a free port, ${USE_ANOTHER_SERVER}`))
    )
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()))
  })
}

/** Polls until the server accepts a connection; `gaveUp` reports a reason to stop waiting. */
export async function waitUntilAccepting(port: number, gaveUp: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const reason = gaveUp()
    if (reason) throw embeddedError(reason)
    const client = new Client({ connectionString: connectionUrl(port, "postgres") })
    try {
      await client.connect()
      await client.end()
      return
    } catch (error) {
      await client.end().catch(() => undefined)
      if (Date.now() > deadline) {
        throw embeddedError(`the server on port ${port} did not accept connections within ${START_TIMEOUT_MS / 1000} s (${(error as Error).message})`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

export async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ connectionString: connectionUrl(port, "postgres") })
  await client.connect()
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [EMBEDDED_DATABASE_NAME])
    if (!rowCount) await client.query(`create database "${EMBEDDED_DATABASE_NAME}"`)
  } finally {
    await client.end()
  }
}
