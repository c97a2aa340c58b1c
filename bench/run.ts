import os from "node:os"
import { randomBytes, scryptSync } from "node:crypto"
import { initialize, moduleQueryCount, runMigrations, type ApiKeyModuleService } from "../src"
import { generateToken } from "../src/modules/api-key/authentication/token"
import { ApiKeyType } from "../src/modules/api-key/models/api-key"
import { bulkInsertSecretKeys, createBenchDatabase, sql } from "./database"
import { measureHttp } from "./http"
import { measureRevocationPropagation } from "./propagation"
import { measureFeedDown, measureLegacyForgery } from "./failure"
import { measureEventBus } from "./events"
import { measureRateLimit } from "./rate-limit"
import { median, percentile, progress, round, timeMicros } from "./stats"

/**
 * `npm run bench` (add `--quick` for a run under a minute): progress on stderr, one JSON object
 * on the last line of stdout. Everything runs on loopback and stops by itself.
 */
const quick = process.argv.includes("--quick") || process.env.npm_config_quick === "true"
const sizes = {
  warmCalls: quick ? 50_000 : 300_000,
  coldKeys: quick ? 8 : 30,
  unknownCalls: quick ? 200 : 1000,
  malformedCalls: quick ? 20_000 : 100_000,
  creates: quick ? 15 : 60,
  byKeys: [1, 1000, 100_000],
  httpSeconds: quick ? 5 : 15,
  propagationRounds: quick ? 5 : 15,
  feedDownCalls: quick ? 500 : 3000,
  forgeryValidKeys: quick ? 8 : 30,
  eventCreates: quick ? 100 : 500,
  leastPrivilegeRounds: quick ? 2 : 6,
  rateLimitRounds: quick ? 2 : 6,
  rateLimitSeconds: quick ? 2 : 3,
  rateLimitConsumeCalls: quick ? 20_000 : 100_000,
}

type Service = ApiKeyModuleService

async function newSecret(service: Service, title: string) {
  return service.create({ title, type: "secret", created_by: "bench" })
}

/** Warm: the same token again and again, served by the verification cache. */
async function measureWarm(service: Service, token: string, calls: number) {
  await service.authenticate(token)
  const samples: number[] = new Array(Math.min(calls, 20_000))
  for (let i = 0; i < samples.length; i++) samples[i] = await timeMicros(() => service.authenticate(token))
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) await service.authenticate(token)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { ops_per_s: Math.round(calls / seconds), p50_us: round(median(samples)), p99_us: round(percentile(samples, 99)) }
}

/** Cold: the first authenticate of freshly created keys (nothing cached for them yet). */
async function measureCold(service: Service, keys: number) {
  const created = []
  for (let i = 0; i < keys; i++) created.push(await newSecret(service, `cold ${i}`))
  const before = service.authenticationStats().scrypt.verifications
  const samples: number[] = []
  for (const key of created) samples.push((await timeMicros(() => service.authenticate(key.token))) / 1000)
  return {
    p50_ms: round(median(samples)),
    p99_ms: round(percentile(samples, 99)),
    scrypt_calls: round((service.authenticationStats().scrypt.verifications - before) / keys),
  }
}

async function measureUnknown(service: Service, calls: number) {
  const before = service.authenticationStats().scrypt.verifications
  const fresh: number[] = []
  for (let i = 0; i < calls; i++) {
    const token = `sk_${randomBytes(32).toString("hex")}`
    fresh.push((await timeMicros(() => service.authenticate(token))) / 1000)
  }
  const repeated = `sk_${randomBytes(32).toString("hex")}`
  await service.authenticate(repeated)
  const again: number[] = []
  for (let i = 0; i < calls; i++) again.push(await timeMicros(() => service.authenticate(repeated)))
  return {
    p50_ms: round(median(fresh), 3),
    p99_ms: round(percentile(fresh, 99), 3),
    repeat_p50_us: round(median(again)),
    scrypt_calls: service.authenticationStats().scrypt.verifications - before,
  }
}

async function measureMalformed(service: Service, calls: number) {
  const inputs = [`sk_${"z".repeat(64)}`, "sk_short", `pk_${"a".repeat(64)}`, 42, null, "x".repeat(100_000)]
  const samples: number[] = []
  for (let i = 0; i < calls; i++) samples.push(await timeMicros(() => service.authenticate(inputs[i % inputs.length])))
  return { p50_us: round(median(samples)), p99_us: round(percentile(samples, 99)) }
}

/** Checksummed tokens with one character changed, a fresh one per call: refused before any cache or database work. */
async function measureChecksumFailure(service: Service, calls: number) {
  const tokens = Array.from({ length: calls }, () => {
    const token = generateToken(ApiKeyType.SECRET, "checksummed")
    return `${token.slice(0, 20)}${token[20] === "A" ? "B" : "A"}${token.slice(21)}`
  })
  const queriesBefore = moduleQueryCount()
  const samples: number[] = new Array(calls)
  for (let i = 0; i < calls; i++) samples[i] = await timeMicros(() => service.authenticate(tokens[i]))
  return { p50_us: round(median(samples)), p99_us: round(percentile(samples, 99)), queries: moduleQueryCount() - queriesBefore }
}

async function measureCreates(service: Service, count: number, type: "secret" | "publishable") {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) await service.create({ title: `create ${i}`, type, created_by: "bench" })
  return round(count / (Number(process.hrtime.bigint() - start) / 1e9), 1)
}

async function measureList(service: Service, url: string) {
  const [{ n }] = await sql(url, "select count(*)::int as n from api_key")
  if (n < 1000) await bulkInsertSecretKeys(url, 1000 - n, "list")
  const samples: number[] = []
  for (let i = 0; i < 7; i++) samples.push((await timeMicros(() => service.list({}, { take: 1000 }))) / 1000)
  return round(median(samples))
}

/** Cold and warm authenticate with N secret keys in the table: the cost must not grow with N. */
async function measureByKeys(url: string, counts: number[]) {
  const result: Record<string, { cold_ms: number; warm_us: number; scrypt_calls: number }> = {}
  for (const count of counts) {
    progress(`authenticate with ${count} secret keys present`)
    await sql(url, "delete from api_key")
    await bulkInsertSecretKeys(url, count - 1, `n${count}`)
    const service = await initialize({ database: { clientUrl: url } })
    try {
      const key = await newSecret(service, "measured")
      const cold = await measureCold(service, quick ? 3 : 7)
      const warm = await measureWarm(service, key.token, 20_000)
      result[String(count)] = { cold_ms: cold.p50_ms, warm_us: warm.p50_us, scrypt_calls: cold.scrypt_calls }
    } finally {
      await service.onApplicationShutdown()
    }
  }
  return result
}

/** One plain scrypt at Medusa's cost (N=2^14, r=8), median of 5, on this machine right now. */
function scryptBaselineMs(): number {
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint()
    scryptSync("baseline", "salt", 64, { N: 16384, r: 8, p: 1 })
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return round(median(samples))
}

async function main() {
  const started = Date.now()
  const db = await createBenchDatabase()
  try {
    await runMigrations({ options: { database: { clientUrl: db.url } } })
    const service = await initialize({ database: { clientUrl: db.url } })
    let report: Record<string, unknown>
    try {
      progress("authenticate: warm, cold, unknown, malformed, checksum failure")
      const key = await newSecret(service, "warm")
      const warm = await measureWarm(service, key.token, sizes.warmCalls)
      const cold = await measureCold(service, sizes.coldKeys)
      const unknown = await measureUnknown(service, sizes.unknownCalls)
      const malformed = await measureMalformed(service, sizes.malformedCalls)
      const checksum_failure = await measureChecksumFailure(service, sizes.malformedCalls)
      progress("creates and list")
      const create = {
        secret_per_s: await measureCreates(service, sizes.creates, "secret"),
        publishable_per_s: await measureCreates(service, sizes.creates * 10, "publishable"),
      }
      const list_1000_ms = await measureList(service, db.url)
      report = { authenticate: { warm, cold, unknown, malformed, checksum_failure }, create, list_1000_ms }
    } finally {
      await service.onApplicationShutdown()
    }
    const by_keys = await measureByKeys(db.url, sizes.byKeys)
    progress("authenticate with the change feed down; valid keys during a forgery flood")
    const feed_down = await measureFeedDown(db.url, sizes.feedDownCalls, db.adminUrl)
    const legacy_forgery = await measureLegacyForgery(db.url, sizes.forgeryValidKeys)
    Object.assign(report.authenticate as Record<string, unknown>, { by_keys, feed_down, legacy_forgery })
    progress("HTTP routes of one server child (autocannon), publishable key propagation, raw pg")
    const { http, leastPrivilege, publishablePropagation } = await measureHttp(db.url, {
      seconds: sizes.httpSeconds,
      propagationRounds: sizes.propagationRounds,
      leastPrivilegeRounds: sizes.leastPrivilegeRounds,
    })
    progress("revocation propagation between two processes")
    const propagation = await measureRevocationPropagation(db.url, sizes.propagationRounds)
    progress("the cost the event bus adds to a create: none, local, Redis")
    const events = await measureEventBus(db.url, sizes.eventCreates)
    progress("the cost of the rate limiter on a warm admin request: no limit, memory, Redis")
    const rate_limit = await measureRateLimit(db.url, { rounds: sizes.rateLimitRounds, seconds: sizes.rateLimitSeconds, consumeCalls: sizes.rateLimitConsumeCalls })

    const cpus = os.cpus()
    const output = {
      machine: {
        cpu: cpus[0]?.model ?? "unknown",
        cores: cpus.length,
        node: process.version,
        postgres: db.serverVersion,
        // The machine's speed at the time of the run: compare runs by this, not only by date.
        node_scrypt_n14_ms: scryptBaselineMs(),
      },
      mode: quick ? "quick" : "full",
      ...report,
      http,
      least_privilege: leastPrivilege,
      publishable_propagation_ms: publishablePropagation.p50,
      publishable_propagation: publishablePropagation,
      revocation_propagation_ms: propagation.p50,
      revocation_propagation: propagation,
      events,
      rate_limit,
      duration_s: round((Date.now() - started) / 1000, 1),
    }
    process.stdout.write(`${JSON.stringify(output)}\n`)
  } finally {
    await db.drop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
