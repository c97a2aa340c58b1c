import type { ChildProcess } from "node:child_process"
import autocannon from "autocannon"
import { nextMessage } from "./child"
import { round } from "./stats"

/** Every load uses the same number of connections, so the routes compare like for like. */
export const CONNECTIONS = 32

export interface LoadResult {
  req_per_s: number
  p50_ms: number
  p99_ms: number
  /** SQL statements the server's module ORMs sent during the load, per completed request. */
  queries_per_req: number
}

/** The server child's `moduleQueryCount()`, asked over IPC. */
async function serverQueryCount(server: ChildProcess): Promise<number> {
  const reply = nextMessage<{ kind: "query-count"; value: number }>(server, "query-count")
  server.send({ kind: "query-count" })
  return (await reply).value
}

function requireAll2xx(url: string, result: autocannon.Result): void {
  if (result.non2xx || result.errors || !result.requests.total) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.requests.total} requests`)
  }
}

/**
 * A few hundred requests before measuring, so the first load does not pay for the JIT and
 * the pools' first connections alone — the ratios between routes are the point.
 */
export async function warmRoute(url: string, headers: Record<string, string>): Promise<void> {
  requireAll2xx(url, await autocannon({ url, connections: CONNECTIONS, amount: 500, headers }))
}

/** `seconds` of autocannon on one route of the server child; every answer must be 2xx. */
export async function loadRoute(server: ChildProcess, url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  const before = await serverQueryCount(server)
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers })
  const after = await serverQueryCount(server)
  requireAll2xx(url, result)
  return {
    req_per_s: Math.round(result.requests.average),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    queries_per_req: round((after - before) / result.requests.total),
  }
}
