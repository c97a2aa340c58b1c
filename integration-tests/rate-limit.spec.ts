import { randomBytes } from "node:crypto"
import { rmSync } from "node:fs"
import path from "node:path"
import { Redis } from "ioredis"
import request from "supertest"
import { apiKeyModule, loadMedusaApp, moduleQueryCount, Modules, runAppMigrations, type ApiKeyDTO, type IApiKeyModuleService, type MedusaApp } from "../src"
import { createApp, type MedusaExpressApp } from "../src/http"
import { loadModule } from "../src/framework/modules-sdk/load-module"
import { normalizeApiKeyModuleOptions } from "../src/modules/api-key/loaders/options"
import { MemoryRateLimitStore } from "../src/modules/api-key/rate-limit/memory-store"
import { writeAppApi } from "./setup/app-folder"
import { createTestDatabase, type TestDatabase } from "./setup/database"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { testConfig } from "./setup/http"
import { startOwnRedis, type OwnServer } from "./setup/servers"
import { eventually, sleep } from "./setup/wait"

/**
 * Per-key rate limits: a sliding window log, exact at the boundary, counted once per accepted
 * request on /admin and /store, in memory (per server) or in Redis (shared by every server), with
 * the IETF draft's RateLimit-* headers, 429 over the limit, and a chosen behaviour when Redis is
 * unreachable.
 */

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379"
/** Every run writes its counters under its own prefix: the shared Redis serves other suites at once. */
const RUN_PREFIX = `test:rate-limit:${randomBytes(5).toString("hex")}:`
const SRC = JSON.stringify(path.resolve(__dirname, "../src"))

/** App routes: who calls (admin), a route that authenticates a second time, and the store context. */
const APP_ROUTES = {
  "middlewares.js": `
const { defineMiddlewares, authenticate } = require(${SRC})
module.exports = defineMiddlewares({ routes: [{ matcher: "/admin/twice", middlewares: [authenticate("user", ["api-key"])] }] })
`,
  "admin/whoami/route.js": `exports.GET = (req, res) => res.json({ actor_id: req.auth_context.actor_id })`,
  "admin/twice/route.js": `exports.GET = (req, res) => res.json({ actor_id: req.auth_context.actor_id })`,
  "store/context/route.js": `exports.GET = (req, res) => res.json({ key: req.publishable_key_context.key })`,
}



/** The parts of an answer a client of a limited key reads. */
interface Answer {
  status: number
  body: any
  limit?: string
  remaining?: string
  reset?: string
  policy?: string
  retryAfter?: string
}

function answerOf(status: number, body: unknown, header: (name: string) => string | null | undefined): Answer {
  const pick = (name: string) => header(name) ?? undefined
  return {
    status,
    body,
    limit: pick("ratelimit-limit"),
    remaining: pick("ratelimit-remaining"),
    reset: pick("ratelimit-reset"),
    policy: pick("ratelimit-policy"),
    retryAfter: pick("retry-after"),
  }
}

/** One server of the app: this process (supertest) or a second OS process (fetch). */
interface Server {
  admin(token: string, route?: string): Promise<Answer>
  store(token: string, headers?: Record<string, string>): Promise<Answer>
}

function localServer(app: MedusaExpressApp): Server {
  const answer = (res: request.Response) => answerOf(res.status, res.body, (name) => res.headers[name] as string | undefined)
  return {
    admin: async (token, route = "/admin/whoami") => answer(await request(app).get(route).set("Authorization", `Bearer ${token}`)),
    store: async (token, headers = {}) => answer(await request(app).get("/store/context").set({ ...headers, "x-publishable-api-key": token })),
  }
}

function remoteServer(base: string): Server {
  const answer = async (res: Response) => answerOf(res.status, await res.json(), (name) => res.headers.get(name))
  return {
    admin: async (token, route = "/admin/whoami") => answer(await fetch(`${base}${route}`, { headers: { authorization: `Bearer ${token}` } })),
    store: async (token, headers = {}) => answer(await fetch(`${base}/store/context`, { headers: { ...headers, "x-publishable-api-key": token } })),
  }
}

interface LocalApp {
  medusa: MedusaApp
  apiKeys: IApiKeyModuleService
  server: Server
  /** What the app and its modules logged (warnings included), and the HTTP layer's error lines. */
  logged: string[]
  close(): Promise<void>
}

let database: TestDatabase
let directory: string

beforeAll(async () => {
  database = await createTestDatabase("ratelimit")
  directory = writeAppApi(APP_ROUTES, "rate-limit-app-")
  await runAppMigrations(testConfig(database.url), directory, database.url)
})

afterAll(async () => {
  await database?.drop()
  if (directory) rmSync(directory, { recursive: true, force: true })
  const redis = new Redis(REDIS_URL)
  const keys = await redis.keys(`${RUN_PREFIX}*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
})

async function startLocal(apiKey: Record<string, unknown> = {}): Promise<LocalApp> {
  const logged: string[] = []
  const log = (message: string) => void logged.push(message)
  const medusa = await loadMedusaApp({ config: testConfig(database.url, { apiKey }), directory, logger: { info: log, warn: log, error: log } })
  const app = createApp({ container: medusa.container, directory, logger: { info: () => undefined, error: log } })
  return { medusa, apiKeys: medusa.container.resolve(Modules.API_KEY), server: localServer(app), logged, close: () => medusa.shutdown() }
}

async function startRemote(apiKey: Record<string, unknown> = {}): Promise<{ process: FixtureProcess; server: Server }> {
  const child = await forkFixture("store-server-process.js", { MEDUSA_CONFIG: JSON.stringify(testConfig(database.url, { apiKey })), APP_DIRECTORY: directory })
  return { process: child, server: remoteServer(`http://127.0.0.1:${await child.call<number>("port")}`) }
}

function secretKey(apiKeys: IApiKeyModuleService, rate_limit?: { limit: number; window_s: number }): Promise<ApiKeyDTO> {
  return apiKeys.createApiKeys({ title: "limited", type: "secret", created_by: "test", ...(rate_limit ? { rate_limit } : {}) })
}

function publishableKey(apiKeys: IApiKeyModuleService, rate_limit?: { limit: number; window_s: number }): Promise<ApiKeyDTO> {
  return apiKeys.createApiKeys({ title: "storefront", type: "publishable", created_by: "test", ...(rate_limit ? { rate_limit } : {}) })
}

const TOO_MANY = (limit: number, window: number, seconds: string | undefined) => ({
  type: "too_many_requests",
  message: `Too many requests with this API key: it may make ${limit} requests per ${window} seconds; retry in ${seconds} seconds`,
})

describe("the sliding window (memory store, a clock of the test's own)", () => {
  function storeAt() {
    const clock = { now: 0 }
    return { clock, store: new MemoryRateLimitStore(() => clock.now) }
  }

  it("allows exactly `limit` requests in any window, and frees a place exactly window_s after a request", () => {
    const { clock, store } = storeAt()
    const limit = { limit: 3, window_s: 10 }
    const at = (ms: number) => ((clock.now = ms), store.hit("apk_1", limit))
    expect(at(0)).toEqual({ allowed: true, limit: 3, window_s: 10, remaining: 2, reset_ms: 10_000 })
    expect(at(1_000)).toMatchObject({ allowed: true, remaining: 1, reset_ms: 9_000 })
    expect(at(2_000)).toMatchObject({ allowed: true, remaining: 0, reset_ms: 8_000 })
    expect(at(2_500)).toMatchObject({ allowed: false, remaining: 0, reset_ms: 7_500 })
    expect(at(9_999)).toMatchObject({ allowed: false, remaining: 0, reset_ms: 1 })
    // The request of t=0 leaves at t=10000 exactly; the refused ones took no place.
    expect(at(10_000)).toMatchObject({ allowed: true, remaining: 0, reset_ms: 1_000 })
    expect(at(10_999)).toMatchObject({ allowed: false, reset_ms: 1 })
    expect(at(11_000)).toMatchObject({ allowed: true, remaining: 0, reset_ms: 1_000 })
  })

  it("keeps each key's window apart", () => {
    const { store } = storeAt()
    expect(store.hit("apk_1", { limit: 1, window_s: 5 }).allowed).toBe(true)
    expect(store.hit("apk_1", { limit: 1, window_s: 5 }).allowed).toBe(false)
    expect(store.hit("apk_2", { limit: 1, window_s: 5 }).allowed).toBe(true)
  })

  it("refuses a key whose limit was lowered until enough of its requests have left", () => {
    const { clock, store } = storeAt()
    for (const t of [0, 100, 200]) (clock.now = t), store.hit("apk_1", { limit: 3, window_s: 10 })
    clock.now = 300
    // All three must leave before a limit of one has room: the newest, made at t=200, decides.
    expect(store.hit("apk_1", { limit: 1, window_s: 10 })).toMatchObject({ allowed: false, remaining: 0, reset_ms: 9_900 })
    clock.now = 10_100
    expect(store.hit("apk_1", { limit: 1, window_s: 10 })).toMatchObject({ allowed: false, reset_ms: 100 })
    clock.now = 10_200
    expect(store.hit("apk_1", { limit: 1, window_s: 10 })).toMatchObject({ allowed: true, remaining: 0 })
  })

  it("gives back the memory of keys whose window has passed", () => {
    const { clock, store } = storeAt()
    for (let i = 0; i < 10; i++) store.hit(`apk_${i}`, { limit: 5, window_s: 1 })
    expect(store.size).toBe(10)
    clock.now = 1_000
    for (let i = 0; i < 10; i++) store.hit("apk_busy", { limit: 100, window_s: 1 })
    expect(store.size).toBe(1)
  })
})

describe("rate limits on one server (memory store)", () => {
  let local: LocalApp

  beforeAll(async () => {
    local = await startLocal()
  })
  afterAll(() => local?.close())

  it("allows exactly the key's limit, then answers 429 with Retry-After, and allows again after it", async () => {
    const key = await secretKey(local.apiKeys, { limit: 3, window_s: 2 })
    // Verified once beforehand (not a request, so not counted): the three requests then fit well
    // inside the 2 s window even on a loaded machine, instead of the first one paying for scrypt.
    await local.apiKeys.authenticate(key.token)
    const allowed = [await local.server.admin(key.token), await local.server.admin(key.token), await local.server.admin(key.token)]
    expect(allowed.map((a) => [a.status, a.limit, a.remaining, a.policy])).toEqual([
      [200, "3", "2", "3;w=2"],
      [200, "3", "1", "3;w=2"],
      [200, "3", "0", "3;w=2"],
    ])
    for (const a of allowed) expect(["1", "2"]).toContain(a.reset)
    expect(allowed[0].retryAfter).toBeUndefined()

    const refused = await local.server.admin(key.token)
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual(TOO_MANY(3, 2, refused.retryAfter))
    expect([refused.limit, refused.remaining, refused.policy]).toEqual(["3", "0", "3;w=2"])
    expect(["1", "2"]).toContain(refused.retryAfter)
    expect(refused.reset).toBe(refused.retryAfter)

    await sleep(Number(refused.retryAfter) * 1000)
    expect((await local.server.admin(key.token)).status).toBe(200)
  })

  it("sends no rate limit headers and does no limiter work for a key without a limit", async () => {
    const key = await secretKey(local.apiKeys)
    for (let i = 0; i < 5; i++) {
      const res = await local.server.admin(key.token)
      expect([res.status, res.limit, res.remaining, res.reset, res.retryAfter]).toEqual([200, undefined, undefined, undefined, undefined])
    }
  })

  it("counts a request once, although a route authenticates it a second time", async () => {
    const key = await secretKey(local.apiKeys, { limit: 2, window_s: 60 })
    const first = await local.server.admin(key.token, "/admin/twice")
    expect([first.status, first.body.actor_id, first.remaining]).toEqual([200, key.id, "1"])
    expect((await local.server.admin(key.token, "/admin/twice")).remaining).toBe("0")
    expect((await local.server.admin(key.token, "/admin/twice")).status).toBe(429)
  })

  it("counts built-in admin routes too, and a failed request once its key was accepted", async () => {
    const key = await secretKey(local.apiKeys, { limit: 2, window_s: 60 })
    const read = await local.server.admin(key.token, `/admin/api-keys/${key.id}`)
    expect([read.status, read.body.api_key.id, read.remaining]).toEqual([200, key.id, "1"])
    const missing = await local.server.admin(key.token, "/admin/api-keys/apk_missing")
    expect([missing.status, missing.remaining]).toEqual([404, "0"])
    expect((await local.server.admin(key.token)).status).toBe(429)
  })

  it("shares a publishable key's limit between all the shoppers using it, with the same headers and 429", async () => {
    const key = await publishableKey(local.apiKeys, { limit: 3, window_s: 60 })
    const shoppers: Record<string, string>[] = [{ cookie: "session=a", "user-agent": "phone" }, { cookie: "session=b", "user-agent": "laptop" }, { "x-forwarded-for": "203.0.113.9" }]
    const answers = []
    for (const shopper of shoppers) answers.push(await local.server.store(key.token, shopper))
    expect(answers.map((a) => [a.status, a.remaining])).toEqual([
      [200, "2"],
      [200, "1"],
      [200, "0"],
    ])
    const refused = await local.server.store(key.token, { cookie: "session=new" })
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual(TOO_MANY(3, 60, refused.retryAfter))
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(59)
  })

  it("serves a warm limited key with no query, and applies a changed limit at once", async () => {
    const key = await secretKey(local.apiKeys, { limit: 1000, window_s: 60 })
    const pk = await publishableKey(local.apiKeys, { limit: 1000, window_s: 60 })
    const warm = await eventually(async () => {
      const before = moduleQueryCount()
      for (let i = 0; i < 5; i++) {
        expect((await local.server.admin(key.token)).status).toBe(200)
        expect((await local.server.store(pk.token)).status).toBe(200)
      }
      return moduleQueryCount() === before
    }, 5_000)
    expect(warm).toBe(true)
    // The keys' first use is written (last_used_at) a moment later: not a cost of the requests below.
    await local.apiKeys.flushLastUsed()
    const before = moduleQueryCount()
    for (let i = 0; i < 20; i++) {
      expect((await local.server.admin(key.token)).limit).toBe("1000")
      expect((await local.server.store(pk.token)).limit).toBe("1000")
    }
    expect(moduleQueryCount() - before).toBe(0)

    await local.apiKeys.updateApiKeys(key.id, { rate_limit: { limit: 5, window_s: 1 } })
    await local.apiKeys.updateApiKeys(pk.id, { rate_limit: { limit: 7, window_s: 2 } })
    expect((await local.server.admin(key.token)).policy).toBe("5;w=1")
    expect((await local.server.store(pk.token)).policy).toBe("7;w=2")
    await local.apiKeys.updateApiKeys(key.id, { rate_limit: null })
    expect((await local.server.admin(key.token)).limit).toBeUndefined()
  })

  it("applies the module's default to keys without their own limit; a key's own limit wins", async () => {
    const withDefault = await startLocal({ rateLimit: { default: { limit: 2, window_s: 60 } } })
    try {
      const plain = await secretKey(withDefault.apiKeys)
      const own = await secretKey(withDefault.apiKeys, { limit: 5, window_s: 10 })
      const pk = await publishableKey(withDefault.apiKeys)
      expect((await withDefault.server.admin(plain.token)).policy).toBe("2;w=60")
      expect((await withDefault.server.admin(plain.token)).remaining).toBe("0")
      expect((await withDefault.server.admin(plain.token)).status).toBe(429)
      expect((await withDefault.server.admin(own.token)).policy).toBe("5;w=10")
      expect((await withDefault.server.store(pk.token)).policy).toBe("2;w=60")
    } finally {
      await withDefault.close()
    }
  })

  it("never counts requests refused for auth, and sends them no rate limit headers", async () => {
    const withDefault = await startLocal({ rateLimit: { default: { limit: 2, window_s: 60 } } })
    try {
      const key = await secretKey(withDefault.apiKeys)
      const revoked = await secretKey(withDefault.apiKeys)
      await withDefault.apiKeys.revoke(revoked.id, { revoked_by: "test" })
      const pk = await publishableKey(withDefault.apiKeys)
      const revokedPk = await publishableKey(withDefault.apiKeys)
      await withDefault.apiKeys.revoke(revokedPk.id, { revoked_by: "test" })
      const wrong = `sk_${randomBytes(32).toString("hex")}`
      for (let i = 0; i < 5; i++) {
        for (const token of [wrong, revoked.token, pk.token, "garbage"]) {
          const res = await withDefault.server.admin(token)
          expect([res.status, res.limit, res.retryAfter]).toEqual([401, undefined, undefined])
        }
        for (const token of [revokedPk.token, `pk_${randomBytes(32).toString("hex")}`]) {
          const res = await withDefault.server.store(token)
          expect([res.status, res.limit]).toEqual([400, undefined])
        }
      }
      // A browser on a site the key does not allow is refused (403) before counting too.
      const shop = await withDefault.apiKeys.createApiKeys({ title: "shop", type: "publishable", created_by: "test", allowed_origins: ["https://shop.example.com"] })
      for (let i = 0; i < 3; i++) {
        const res = await withDefault.server.store(shop.token, { origin: "https://elsewhere.example.net" })
        expect([res.status, res.body.type, res.limit]).toEqual([403, "forbidden", undefined])
      }
      // A key whose scopes do not cover the route is refused (403) before counting too: here an
      // app route that declares no scope, and a built-in one that needs api_key:read.
      const scoped = await withDefault.apiKeys.createApiKeys({ title: "scoped", type: "secret", created_by: "test", scopes: ["sales_channel:read"] })
      for (const route of ["/admin/whoami", "/admin/api-keys"]) {
        const res = await withDefault.server.admin(scoped.token, route)
        expect([res.status, res.body.type, res.limit]).toEqual([403, "forbidden", undefined])
      }
      expect((await withDefault.server.admin(scoped.token, "/admin/sales-channels")).remaining).toBe("1")
      // The refused requests used none of the keys' quota.
      expect((await withDefault.server.admin(key.token)).remaining).toBe("1")
      expect((await withDefault.server.store(pk.token)).remaining).toBe("1")
      expect((await withDefault.server.store(shop.token, { origin: "https://shop.example.com" })).remaining).toBe("1")
    } finally {
      await withDefault.close()
    }
  })

  it("counts on each server apart in memory mode: two servers allow the limit each", async () => {
    const key = await secretKey(local.apiKeys, { limit: 2, window_s: 60 })
    const other = await startRemote({ rateLimit: { store: "memory" } })
    try {
      for (const server of [local.server, other.server]) {
        expect((await server.admin(key.token)).status).toBe(200)
        expect((await server.admin(key.token)).status).toBe(200)
        expect((await server.admin(key.token)).status).toBe(429)
      }
    } finally {
      await other.process.close()
    }
  })
})

describe("rate limits shared by two servers through Redis", () => {
  const options = { rateLimit: { redisUrl: REDIS_URL, keyPrefix: RUN_PREFIX } }
  let local: LocalApp
  let remote: { process: FixtureProcess; server: Server }

  beforeAll(async () => {
    local = await startLocal(options)
    remote = await startRemote(options)
  })
  afterAll(async () => {
    await remote?.process.close()
    await local?.close()
  })

  it("allows exactly the limit across both servers, one request after the other", async () => {
    const key = await secretKey(local.apiKeys, { limit: 5, window_s: 60 })
    const servers = [local.server, remote.server]
    const answers: Answer[] = []
    for (let i = 0; i < 8; i++) answers.push(await servers[i % 2].admin(key.token))
    expect(answers.map((a) => [a.status, a.remaining])).toEqual([
      [200, "4"],
      [200, "3"],
      [200, "2"],
      [200, "1"],
      [200, "0"],
      [429, "0"],
      [429, "0"],
      [429, "0"],
    ])
    const refused = answers[5]
    expect(refused.body).toEqual(TOO_MANY(5, 60, refused.retryAfter))
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(59)
  })

  it("allows exactly the limit when both servers are hit at once", async () => {
    const key = await secretKey(local.apiKeys, { limit: 7, window_s: 60 })
    const pk = await publishableKey(local.apiKeys, { limit: 7, window_s: 60 })
    const burst = (call: (server: Server) => Promise<Answer>) => Promise.all(Array.from({ length: 24 }, (_, i) => call(i % 2 ? remote.server : local.server)))
    const admin = await burst((server) => server.admin(key.token))
    const store = await burst((server) => server.store(pk.token))
    for (const answers of [admin, store]) {
      expect(answers.filter((a) => a.status === 200)).toHaveLength(7)
      expect(answers.filter((a) => a.status === 429)).toHaveLength(17)
      expect(answers.map((a) => a.remaining).filter((r) => r !== "0").sort()).toEqual(["1", "2", "3", "4", "5", "6"])
    }
  })

  it("allows a request again exactly when the deciding one leaves the window, to the millisecond", async () => {
    const key = await secretKey(local.apiKeys, { limit: 2, window_s: 2 })
    expect((await local.apiKeys.consumeRateLimit(key))?.allowed).toBe(true)
    await sleep(300)
    expect((await local.apiKeys.consumeRateLimit(key))?.allowed).toBe(true)
    const refused = (await local.apiKeys.consumeRateLimit(key))!
    const heard = Date.now()
    expect(refused).toMatchObject({ allowed: false, remaining: 0 })
    expect(refused.reset_ms).toBeGreaterThan(1_300)
    expect(refused.reset_ms).toBeLessThanOrEqual(1_700)
    await sleep(refused.reset_ms - 150 - (Date.now() - heard))
    expect((await local.apiKeys.consumeRateLimit(key))?.allowed).toBe(false)
    await sleep(refused.reset_ms + 10 - (Date.now() - heard))
    expect(await local.apiKeys.consumeRateLimit(key)).toMatchObject({ allowed: true, remaining: 0 })
  })

  it("sees a limit changed by the other server through the change feed", async () => {
    const key = await secretKey(local.apiKeys, { limit: 1000, window_s: 60 })
    expect((await remote.server.admin(key.token)).policy).toBe("1000;w=60")
    await local.apiKeys.updateApiKeys(key.id, { rate_limit: { limit: 3, window_s: 30 } })
    expect(await eventually(async () => (await remote.server.admin(key.token)).policy === "3;w=30", 1_500)).toBe(true)
  })

  it("uses the app's Redis (projectConfig.redisUrl) when the store is left on auto", async () => {
    const loaded = await loadModule(apiKeyModule, { database: { clientUrl: database.url }, rateLimit: { keyPrefix: RUN_PREFIX } }, { redisUrl: REDIS_URL })
    const redis = new Redis(REDIS_URL)
    try {
      const service = loaded.service as unknown as IApiKeyModuleService
      const key = await secretKey(service, { limit: 2, window_s: 60 })
      expect(await service.consumeRateLimit(key)).toMatchObject({ allowed: true, remaining: 1 })
      expect(await redis.zcard(`${RUN_PREFIX}${key.id}`)).toBe(1)
      // Another server's count: the one in Redis.
      expect((await remote.server.admin(key.token)).remaining).toBe("0")
    } finally {
      await redis.quit()
      await loaded.shutdown()
    }
  })
})

describe("Redis stopped mid-run", () => {
  let redis: OwnServer

  beforeAll(async () => {
    redis = await startOwnRedis()
  })
  afterAll(() => redis?.stop())

  async function outage(onStoreError: "open" | "closed", during: (app: LocalApp, key: ApiKeyDTO, unlimited: ApiKeyDTO) => Promise<void>) {
    const app = await startLocal({ rateLimit: { store: "redis", redisUrl: redis.url, onStoreError } })
    try {
      const key = await secretKey(app.apiKeys, { limit: 3, window_s: 60 })
      const unlimited = await secretKey(app.apiKeys)
      expect((await app.server.admin(key.token)).remaining).toBe("2")
      await redis.kill()
      await during(app, key, unlimited)
      await redis.restart()
      // Redis came back empty (no persistence): counting starts over there.
      expect(await eventually(async () => (await app.server.admin(key.token)).remaining === "2", 10_000)).toBe(true)
      const rateLimitLines = app.logged.filter((line) => line.startsWith("Rate limits:"))
      expect(rateLimitLines).toHaveLength(2)
      expect(rateLimitLines[0]).toBe(
        `Rate limits: Redis at ${redis.url} is unreachable (${rateLimitLines[0].split("(")[1].split(")")[0]}); ${
          onStoreError === "open" ? "serving requests without limits until it is back" : "refusing limited keys' requests with 503 until it is back"
        } (rateLimit.onStoreError "${onStoreError}")`
      )
      expect(rateLimitLines[1]).toBe(`Rate limits: Redis at ${redis.url} answers again; limits are enforced again`)
      for (const line of app.logged) expect(line).not.toContain(key.token)
      return app.logged
    } finally {
      await app.close()
    }
  }

  it("fails open: serves every request without limits, logs one warning for the outage", async () => {
    const logged = await outage("open", async (app, key) => {
      for (let i = 0; i < 10; i++) {
        const res = await app.server.admin(key.token)
        expect([res.status, res.limit, res.retryAfter]).toEqual([200, undefined, undefined])
      }
    })
    expect(logged.filter((line) => !line.startsWith("Rate limits:"))).toEqual([])
  })

  it("fails closed: answers 503 to limited keys only, logs one warning for the outage", async () => {
    const logged = await outage("closed", async (app, key, unlimited) => {
      for (let i = 0; i < 10; i++) {
        const res = await app.server.admin(key.token)
        expect([res.status, res.body, res.retryAfter]).toEqual([
          503,
          { type: "service_unavailable", message: "Rate limits cannot be checked at the moment (their store is unreachable); retry in a few seconds" },
          "5",
        ])
        expect((await app.server.admin(unlimited.token)).status).toBe(200)
      }
    })
    // The HTTP layer does not log the 503s again: the limiter's two lines are all.
    expect(logged.filter((line) => !line.startsWith("Rate limits:"))).toEqual([])
  })
})

describe("rate limit options", () => {
  it("refuses bad options at load, saying what to set", async () => {
    const refused = (rateLimit: unknown) => () => normalizeApiKeyModuleOptions({ rateLimit })
    expect(refused({ store: "disk" })).toThrow(`rateLimit.store must be "auto" (Redis when one is configured, else memory), "redis" or "memory"; got "disk"`)
    expect(refused({ onStoreError: "ignore" })).toThrow(`rateLimit.onStoreError must be "open" (serve without limits while Redis is unreachable) or "closed" (answer 503); got "ignore"`)
    expect(refused({ default: { limit: 0, window_s: 60 } })).toThrow("rate_limit must be { limit, window_s } with whole numbers")
    expect(refused({ default: { limit: 0, window_s: 60 } })).toThrow("(module option rateLimit.default)")
    expect(refused({ redisUrl: "http://127.0.0.1:6379" })).toThrow("rateLimit.redisUrl must be a redis:// or rediss:// URL")
    expect(refused({ window: 60 })).toThrow("rateLimit.window")
    expect(normalizeApiKeyModuleOptions({}).rateLimit).toEqual({ default: null, store: "auto", redisUrl: undefined, keyPrefix: "medusa:rate-limit:", onStoreError: "open" })
    await expect(loadModule(apiKeyModule, { database: { clientUrl: database.url }, rateLimit: { store: "redis" } })).rejects.toThrow(
      `rateLimit.store "redis" needs a Redis URL: set projectConfig.redisUrl in medusa-config.js or the module option rateLimit.redisUrl, e.g. redis://127.0.0.1:6379`
    )
  })
})
