import type { ChildProcess } from "node:child_process"
import type { ServerReady } from "./http-server"
import { loadRoute, warmRoute, type LoadResult } from "./http-load"
import { progress, round } from "./stats"

/**
 * What least privilege costs a warm request: the same route with a plain key and with a
 * restricted one (a scoped secret key on the admin route; a publishable key with allowed origins,
 * called from an allowed browser origin, on the store route), loaded in alternating short rounds
 * so that drift of the machine (other load, CPU frequency) falls on both sides alike.
 */
export interface LeastPrivilegeResult {
  rounds: number
  seconds_per_round: number
  admin: { plain: LoadResult; scoped: LoadResult; scoped_vs_plain: number }
  store: { plain: LoadResult; with_origins: LoadResult; with_origins_vs_plain: number }
}

function combine(results: LoadResult[]): LoadResult {
  const mean = (pick: (r: LoadResult) => number) => round(results.reduce((sum, r) => sum + pick(r), 0) / results.length)
  return { req_per_s: Math.round(mean((r) => r.req_per_s)), p50_ms: mean((r) => r.p50_ms), p99_ms: mean((r) => r.p99_ms), queries_per_req: mean((r) => r.queries_per_req) }
}

export async function measureLeastPrivilege(server: ChildProcess, ready: ServerReady, options: { rounds: number; seconds: number }): Promise<LeastPrivilegeResult> {
  const base = `http://127.0.0.1:${ready.port}`
  const admin = `${base}/admin/api-keys/${ready.secretKeyId}`
  const store = `${base}/store/context`
  const pairs: [string, string, Record<string, string>][] = [
    ["admin plain", admin, { authorization: `Bearer ${ready.secretToken}` }],
    ["admin scoped", admin, { authorization: `Bearer ${ready.scopedSecretToken}` }],
    ["store plain", store, { "x-publishable-api-key": ready.publishableToken }],
    ["store with origins", store, { "x-publishable-api-key": ready.originPublishableToken, origin: "https://shop.example.com" }],
  ]
  for (const [, url, headers] of pairs) await warmRoute(url, headers)
  const samples = new Map<string, LoadResult[]>(pairs.map(([name]) => [name, []]))
  for (let round = 0; round < options.rounds; round++) {
    progress(`least privilege: round ${round + 1} of ${options.rounds}`)
    for (const [name, url, headers] of pairs) samples.get(name)!.push(await loadRoute(server, url, headers, options.seconds))
  }
  const result = (name: string) => combine(samples.get(name)!)
  const adminPlain = result("admin plain")
  const adminScoped = result("admin scoped")
  const storePlain = result("store plain")
  const storeOrigins = result("store with origins")
  return {
    rounds: options.rounds,
    seconds_per_round: options.seconds,
    admin: { plain: adminPlain, scoped: adminScoped, scoped_vs_plain: round(adminScoped.req_per_s / adminPlain.req_per_s, 3) },
    store: { plain: storePlain, with_origins: storeOrigins, with_origins_vs_plain: round(storeOrigins.req_per_s / storePlain.req_per_s, 3) },
  }
}
