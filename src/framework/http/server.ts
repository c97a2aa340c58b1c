import { createServer, type RequestListener, type Server } from "node:http"

export interface ServerTimeouts {
  /** The whole request (headers and body) must arrive within this. Default 30 s. */
  requestTimeoutMs?: number
  /** The headers must arrive within this. Default 10 s. */
  headersTimeoutMs?: number
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000

/**
 * An HTTP server that cuts slow clients: a request whose headers or body do not arrive in time
 * gets 408 and its socket is closed (Node's defaults would hold it for 5 minutes). Timeouts are
 * checked every second.
 */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts = {}): Server {
  const requestTimeout = timeouts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  const headersTimeout = Math.min(timeouts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout)
  return createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) }, app)
}

/** Timeouts from HTTP_REQUEST_TIMEOUT_MS and HTTP_HEADERS_TIMEOUT_MS (whole milliseconds), when set. */
export function timeoutsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServerTimeouts {
  const read = (name: string): number | undefined => {
    const raw = env[name]
    if (raw === undefined || raw === "") return undefined
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 100) throw new Error(`${name} must be a whole number of milliseconds of 100 or more; got "${raw}"`)
    return value
  }
  return { requestTimeoutMs: read("HTTP_REQUEST_TIMEOUT_MS"), headersTimeoutMs: read("HTTP_HEADERS_TIMEOUT_MS") }
}
