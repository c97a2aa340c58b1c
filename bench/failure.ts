import { randomBytes, scrypt } from "node:crypto"
import { promisify } from "node:util"
import { initialize, type ApiKeyModuleService } from "../src"
import { CHANGE_FEED_APPLICATION_NAME } from "../src/framework/modules-sdk/change-feed"
import { sql } from "./database"
import { median, percentile, round } from "./stats"

/** What authentication costs when things go wrong: the change feed down, forged tokens against Medusa-created keys. */

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) return false
    await sleep(20)
  }
  return true
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1)
}

/**
 * A warm key while the change feed is down (its LISTEN session killed, reconnection refused): the
 * cache cannot be trusted, so each call reads the row — but a verified token costs no scrypt.
 */
export async function measureFeedDown(url: string, calls: number, serverUrl: string) {
  // A pool that keeps its connections open: new ones are refused while the feed is held down.
  const service: ApiKeyModuleService = await initialize({ database: { clientUrl: url, pool: { min: 2, max: 2 } } })
  const name = databaseName(url)
  try {
    await until(() => service.authenticationStats().listening, 10_000)
    const key = await service.create({ title: "feed down", type: "secret", created_by: "bench" })
    await service.authenticate(key.token)
    // The pool opens connections lazily: make it open both now, as a later flush of last_used_at
    // running beside an authenticate needs the second one after new connections are refused.
    await Promise.all([service.listApiKeys({ id: key.id }), service.listApiKeys({ id: key.id }), service.listApiKeys({ id: key.id })])
    await sql(serverUrl, `alter database "${name}" allow_connections false`)
    await sql(serverUrl, `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2`, [name, CHANGE_FEED_APPLICATION_NAME])
    await until(() => !service.authenticationStats().listening, 10_000)
    const before = service.authenticationStats().scrypt.verifications
    const start = process.hrtime.bigint()
    let ok = 0
    for (let i = 0; i < calls; i++) if (await service.authenticate(key.token)) ok++
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    return {
      ops_per_s: Math.round(calls / seconds),
      accepted: ok,
      scrypt_calls: service.authenticationStats().scrypt.verifications - before,
      feed_listening: service.authenticationStats().listening,
    }
  } finally {
    await sql(serverUrl, `alter database "${name}" allow_connections true`)
    await service.onApplicationShutdown()
  }
}

/**
 * First uses of valid current-format keys while 64 concurrent clients send forged tokens that
 * match a Medusa-created key's visible characters: the forgeries get their own small scrypt queue
 * and a per-key budget, so valid keys keep their latency.
 */
export async function measureLegacyForgery(url: string, validKeys: number) {
  const service: ApiKeyModuleService = await initialize({ database: { clientUrl: url }, authCache: false })
  try {
    const legacy = `sk_${randomBytes(32).toString("hex")}`
    const salt = randomBytes(16).toString("hex")
    const hash = (await scryptAsync(legacy, salt, 64)).toString("hex")
    await sql(url, "insert into api_key (id, token, salt, redacted, title, type, created_by) values ($1, $2, $3, $4, 'medusa', 'secret', 'bench')", [
      `apk_bench_legacy_${randomBytes(4).toString("hex")}`,
      hash,
      salt,
      `${legacy.slice(0, 6)}***${legacy.slice(-3)}`,
    ])
    const keys = []
    for (let i = 0; i < validKeys; i++) keys.push(await service.create({ title: `valid ${i}`, type: "secret", created_by: "bench" }))
    const forge = () => legacy.slice(0, 6) + randomBytes(29).toString("hex") + legacy.slice(-3)
    let stop = false
    let forged = 0
    const attackers = Array.from({ length: 64 }, async () => {
      while (!stop) {
        await service.authenticate(forge())
        forged++
      }
    })
    const before = service.authenticationStats().scrypt.verifications
    const started = Date.now()
    const samples: number[] = []
    let accepted = 0
    for (const key of keys) {
      const t = process.hrtime.bigint()
      if (await service.authenticate(key.token)) accepted++
      samples.push(Number(process.hrtime.bigint() - t) / 1e6)
    }
    const seconds = (Date.now() - started) / 1000
    stop = true
    await Promise.all(attackers)
    const stats = service.authenticationStats()
    return {
      valid_cold_p50_ms: round(median(samples)),
      valid_cold_p99_ms: round(percentile(samples, 99)),
      valid_accepted: `${accepted}/${keys.length}`,
      forged_per_s: Math.round(forged / seconds),
      scrypt_calls: stats.scrypt.verifications - before,
      forged_blocked: stats.legacy.blocked,
      forged_queue_refused: stats.legacy.refused,
    }
  } finally {
    await service.onApplicationShutdown()
  }
}
