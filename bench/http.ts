import autocannon from "autocannon"
import { forkSibling, nextMessage, stopChild } from "./child"
import { round } from "./stats"

/**
 * An admin route behind secret-key auth, served by a child process (the real app over the
 * bench database) and loaded by autocannon from this process: two processes on loopback.
 */
export async function measureHttp(databaseUrl: string, seconds: number) {
  const server = forkSibling("http-server.js", { BENCH_DATABASE_URL: databaseUrl })
  try {
    const { port, token, keyId } = await nextMessage<{ kind: "ready"; port: number; token: string; keyId: string }>(server, "ready")
    const load = async (path: string) => {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${path}`,
        connections: 32,
        duration: seconds,
        headers: { authorization: `Bearer ${token}` },
      })
      if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
      return { req_per_s: Math.round(result.requests.average), p50_ms: round(result.latency.p50), p99_ms: round(result.latency.p99) }
    }
    // Authentication alone (a user route doing no database work), then a built-in route that
    // also reads the key from the database on every request.
    const authOnly = await load("/admin/whoami")
    const withRead = await load(`/admin/api-keys/${keyId}`)
    return {
      route: "GET /admin/whoami (user file route, secret-key auth, no database work)",
      ...authOnly,
      db_route: { route: "GET /admin/api-keys/:id", ...withRead },
      mode: "2 processes: server child, autocannon (32 connections) in the parent, sharing 2 cores with PostgreSQL",
    }
  } finally {
    await stopChild(server)
  }
}
