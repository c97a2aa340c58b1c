import { randomBytes } from "node:crypto"
import { initialize, type ApiKeyModuleService } from "../src"
import { forkSibling, nextMessage, stopChild } from "./child"
import { redisAnswers } from "./events"
import type { ServerReady } from "./http-server"
import { loadRoute, warmRoute, type LoadResult } from "./http-load"
import { median, percentile, progress, round, timeMicros } from "./stats"

/**
 * What the rate limiter costs a warm admin request: `GET /admin/whoami` (secret-key auth only, no
 * database) with a key that has no limit and with one whose limit the load never reaches
 * (1,000,000 per second, so every answer is a 200 that went through the limiter), loaded in
 * alternating short rounds on one server child per store — memory, then Redis — so drift of the
 * machine falls on both sides alike. Also the limiter alone, in-process (`consume_us`):
 * `consumeRateLimit` of one key, sequentially.
 */

const ROUTE = "GET /admin/whoami (app route under /admin: secret-key auth only, no database)"
const HIGH_LIMIT = { limit: 1_000_000, window_s: 1 }

interface StoreResult {
  none: LoadResult
  limited: LoadResult
  limited_vs_none: number
}

function combine(results: LoadResult[]): LoadResult {
  const mean = (pick: (r: LoadResult) => number) => round(results.reduce((sum, r) => sum + pick(r), 0) / results.length)
  return { req_per_s: Math.round(mean((r) => r.req_per_s)), p50_ms: mean((r) => r.p50_ms), p99_ms: mean((r) => r.p99_ms), queries_per_req: mean((r) => r.queries_per_req) }
}

async function loadStore(databaseUrl: string, rateLimit: Record<string, unknown>, options: { rounds: number; seconds: number }): Promise<StoreResult> {
  const server = forkSibling("http-server.js", { BENCH_DATABASE_URL: databaseUrl, BENCH_API_KEY_OPTIONS: JSON.stringify({ rateLimit }) })
  try {
    const ready = await nextMessage<ServerReady>(server, "ready")
    const url = `http://127.0.0.1:${ready.port}/admin/whoami`
    const sides: [keyof Omit<StoreResult, "limited_vs_none">, Record<string, string>][] = [
      ["none", { authorization: `Bearer ${ready.secretToken}` }],
      ["limited", { authorization: `Bearer ${ready.limitedSecretToken}` }],
    ]
    for (const [, headers] of sides) await warmRoute(url, headers)
    const samples: Record<string, LoadResult[]> = { none: [], limited: [] }
    for (let round = 0; round < options.rounds; round++) {
      for (const [name, headers] of sides) samples[name].push(await loadRoute(server, url, headers, options.seconds))
    }
    const none = combine(samples.none)
    const limited = combine(samples.limited)
    return { none, limited, limited_vs_none: round(limited.req_per_s / none.req_per_s, 3) }
  } finally {
    await stopChild(server)
  }
}

/** `consumeRateLimit` of one key, `calls` times in a row: p50 and p99 in µs. */
async function consumeMicros(databaseUrl: string, rateLimit: Record<string, unknown>, calls: number) {
  const service: ApiKeyModuleService = await initialize({ database: { clientUrl: databaseUrl }, rateLimit })
  try {
    const key = await service.create({ title: "bench consume", type: "secret", created_by: "bench", rate_limit: HIGH_LIMIT })
    for (let i = 0; i < 200; i++) await service.consumeRateLimit(key)
    const samples: number[] = []
    for (let i = 0; i < calls; i++) samples.push(await timeMicros(() => service.consumeRateLimit(key)))
    return { p50_us: round(median(samples)), p99_us: round(percentile(samples, 99)) }
  } finally {
    await service.onApplicationShutdown()
  }
}

export async function measureRateLimit(databaseUrl: string, options: { rounds: number; seconds: number; consumeCalls: number }) {
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379"
  const redisStore = { store: "redis", redisUrl, keyPrefix: `bench-rate-limit-${randomBytes(5).toString("hex")}:` }
  progress(`rate limiter, memory store: ${ROUTE}, ${options.rounds} alternating rounds`)
  const memory = await loadStore(databaseUrl, { store: "memory" }, options)
  const consumeMemory = await consumeMicros(databaseUrl, { store: "memory" }, options.consumeCalls)
  let redis: StoreResult | null = null
  let consumeRedis: Awaited<ReturnType<typeof consumeMicros>> | null = null
  if (await redisAnswers(redisUrl)) {
    progress(`rate limiter, Redis store: ${ROUTE}, ${options.rounds} alternating rounds`)
    redis = await loadStore(databaseUrl, redisStore, options)
    consumeRedis = await consumeMicros(databaseUrl, redisStore, Math.ceil(options.consumeCalls / 10))
  } else {
    progress(`Redis does not answer at ${redisUrl}: the Redis rate limit store is not measured`)
  }
  return {
    route: ROUTE,
    key_limit: HIGH_LIMIT,
    rounds: options.rounds,
    seconds_per_round: options.seconds,
    memory,
    redis,
    consume_us: { memory: consumeMemory, redis: consumeRedis },
  }
}
