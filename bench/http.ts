import type { ChildProcess } from "node:child_process"
import { loadMedusaApp, runAppMigrations, type MedusaApp } from "../src"
import { BENCH_APP_DIRECTORY, benchAppConfig } from "./app-config"
import { forkSibling, nextMessage, stopChild } from "./child"
import type { ServerReady } from "./http-server"
import { CONNECTIONS, loadRoute, warmRoute, type LoadResult } from "./http-load"
import { measureLeastPrivilege, type LeastPrivilegeResult } from "./least-privilege"
import { measurePublishablePropagation } from "./publishable-propagation"
import { measureRawPg } from "./raw-pg"
import { progress, round } from "./stats"

const ROUTES = {
  bare: "GET /bare (app route outside /admin and /store: no auth, no database)",
  store: "GET /store/context (app route answering from the publishable key guard's context)",
  store_db: "GET /store/sales-channels (built-in store route: guard, then Query reads the channels)",
  admin_auth: "GET /admin/whoami (app route, secret-key auth, no database work)",
  admin_db: "GET /admin/api-keys/:id (built-in admin route: secret-key auth, then Query reads the key)",
}

type Loads = Record<keyof typeof ROUTES, LoadResult>

/** The five routes, each warmed then loaded for `seconds`, one after the other against the same server. */
async function loadAll(server: ChildProcess, ready: ServerReady, seconds: number): Promise<Loads> {
  const base = `http://127.0.0.1:${ready.port}`
  const secret = { authorization: `Bearer ${ready.secretToken}` }
  const publishable = { "x-publishable-api-key": ready.publishableToken }
  const targets: [keyof Loads, string, Record<string, string>][] = [
    ["bare", `${base}/bare`, {}],
    ["store", `${base}/store/context`, publishable],
    ["store_db", `${base}/store/sales-channels`, publishable],
    ["admin_auth", `${base}/admin/whoami`, secret],
    ["admin_db", `${base}/admin/api-keys/${ready.secretKeyId}`, secret],
  ]
  const loads: Partial<Loads> = {}
  for (const [name, url, headers] of targets) {
    progress(`HTTP load: ${ROUTES[name]}`)
    await warmRoute(url, headers)
    loads[name] = await loadRoute(server, url, headers, seconds)
  }
  return loads as Loads
}

const ratio = (a: LoadResult, b: LoadResult) => round(a.req_per_s / b.req_per_s)

/**
 * The HTTP benchmark: one server child (the real app over the bench database) loaded by
 * autocannon from this process, route after route; then how fast a removed sales channel link
 * reaches that server; then, with the server stopped, the admin route's SELECT replayed with pg.
 */
export async function measureHttp(databaseUrl: string, options: { seconds: number; propagationRounds: number; leastPrivilegeRounds: number }) {
  const config = benchAppConfig(databaseUrl)
  // The bench database has the api key tables already; the sales channel and link tables are added here.
  await runAppMigrations(config, BENCH_APP_DIRECTORY, databaseUrl)
  const server = forkSibling("http-server.js", { BENCH_DATABASE_URL: databaseUrl })
  let linker: MedusaApp | undefined
  let ready: ServerReady
  let loads: Loads
  let leastPrivilege: LeastPrivilegeResult
  let propagation: Awaited<ReturnType<typeof measurePublishablePropagation>>
  try {
    ready = await nextMessage<ServerReady>(server, "ready")
    loads = await loadAll(server, ready, options.seconds)
    leastPrivilege = await measureLeastPrivilege(server, ready, { rounds: options.leastPrivilegeRounds, seconds: Math.max(2, Math.round(options.seconds / 5)) })
    progress("publishable key propagation between two processes")
    linker = await loadMedusaApp({ config, directory: BENCH_APP_DIRECTORY })
    propagation = await measurePublishablePropagation(linker, { baseUrl: `http://127.0.0.1:${ready.port}`, ...ready }, options.propagationRounds)
  } finally {
    await linker?.shutdown()
    await stopChild(server)
  }
  progress("the admin route's SELECT replayed with pg")
  const raw_pg = await measureRawPg(databaseUrl, ready.adminDbSql, options.seconds)
  const http = {
    mode:
      `2 processes: the server child (one app, both modules), autocannon (${CONNECTIONS} connections, ${options.seconds} s per route) in the parent, ` +
      `sharing 2 cores with PostgreSQL; raw_pg: a third process after the server stopped, pg.Pool(max 10) with ${CONNECTIONS} concurrent loops`,
    routes: { ...ROUTES, raw_pg: ready.adminDbSql },
    ...loads,
    ratios: {
      store_vs_bare: ratio(loads.store, loads.bare),
      admin_auth_vs_bare: ratio(loads.admin_auth, loads.bare),
      admin_db_vs_bare: ratio(loads.admin_db, loads.bare),
    },
    raw_pg,
  }
  return { http, leastPrivilege, publishablePropagation: propagation }
}
