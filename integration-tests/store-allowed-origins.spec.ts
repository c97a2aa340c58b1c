import request from "supertest"
import { moduleQueryCount } from "../src"
import { PUBLISHABLE_KEY_ORIGINS, type PublishableKeyOrigins } from "../src/api/store/publishable-key-origins"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { basicAuth, setupHttpApp, testConfig, type HttpFixture } from "./setup/http"
import { eventually, sleep } from "./setup/wait"

/**
 * A publishable key's allowed_origins on the store API: a browser request (one with an Origin
 * header) from an origin the key does not list is refused with 403 and no CORS grant; a listed
 * origin gets the store's CORS headers; servers (no Origin) and keys without the setting behave
 * as in Medusa. Preflights carry no key: they are granted to origins storeCors or some active key
 * lists. Both rules are cached and follow changes made by any process.
 */

const PROPAGATION_MS = 1_000
/** The window plus room for the polling requests themselves on a busy machine. */
const SEEN_WITHIN_MS = PROPAGATION_MS + 500
const SHOP = "https://shop.example.com"
const EVIL = "https://evil.example"
/** In the default storeCors (Medusa's local storefront). */
const LOCAL_STOREFRONT = "http://localhost:8000"

const refusal = (origin: string) => ({
  type: "forbidden",
  message: `Origin ${origin} is not allowed for this publishable API key; add it to the key's allowed_origins to use the key from that site`,
})



let fx: HttpFixture
beforeAll(async () => {
  fx = await setupHttpApp({ apiKey: { authCache: { max: 50, propagationMs: PROPAGATION_MS } } })
  const origins = fx.medusa.container.resolve<PublishableKeyOrigins>(PUBLISHABLE_KEY_ORIGINS)
  expect(await eventually(async () => !!origins.stats()?.serving, 10_000)).toBe(true)
})
afterAll(async () => {
  await fx?.close()
})

const publishable = (allowed_origins?: string[] | null, title = "storefront") =>
  fx.apiKeys.createApiKeys({ title, type: "publishable", created_by: "test", ...(allowed_origins !== undefined ? { allowed_origins } : {}) })

/** A store request as a browser on `origin` sends it (none: as a server does). */
function store(token: string, origin?: string) {
  const req = request(fx.app).get("/store/sales-channels").set("x-publishable-api-key", token)
  return origin ? req.set("Origin", origin) : req
}

/** A browser's preflight for a store request carrying the publishable key header. */
const preflight = (origin: string, path = "/store/sales-channels") =>
  request(fx.app)
    .options(path)
    .set("Origin", origin)
    .set("Access-Control-Request-Method", "GET")
    .set("Access-Control-Request-Headers", "x-publishable-api-key")

async function queriesDuring(run: () => Promise<unknown>): Promise<number> {
  const before = moduleQueryCount()
  await run()
  return moduleQueryCount() - before
}

describe("a browser request with a key that lists its origins", () => {
  it("refuses an origin the key does not list with 403 and no CORS grant, even one storeCors allows", async () => {
    const key = await publishable([SHOP])
    for (const origin of [EVIL, LOCAL_STOREFRONT]) {
      const res = await store(key.token, origin)
      expect(res.status).toBe(403)
      expect(res.body).toEqual(refusal(origin))
      expect(res.headers["access-control-allow-origin"]).toBeUndefined()
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined()
    }
  })

  it("gives a listed origin the store's CORS headers, though storeCors does not list it", async () => {
    const key = await publishable([SHOP])
    const res = await store(key.token, SHOP)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ sales_channels: [] })
    expect(res.headers["access-control-allow-origin"]).toBe(SHOP)
    expect(res.headers["access-control-allow-credentials"]).toBe("true")
    expect(res.headers.vary).toMatch(/\bOrigin\b/)
  })

  it("leaves requests without an Origin header (servers) unaffected", async () => {
    const key = await publishable([SHOP])
    const res = await store(key.token)
    expect(res.status).toBe(200)
    expect(res.headers["access-control-allow-origin"]).toBeUndefined()
  })

  it("allows servers only when the list is empty", async () => {
    const key = await publishable([])
    expect((await store(key.token)).status).toBe(200)
    const browser = await store(key.token, LOCAL_STOREFRONT)
    expect([browser.status, browser.body]).toEqual([403, refusal(LOCAL_STOREFRONT)])
  })

  it("refuses an invalid key as Medusa does before looking at the origin", async () => {
    const key = await publishable([SHOP])
    await fx.apiKeys.revoke(key.id, { revoked_by: "test" })
    const res = await store(key.token, EVIL)
    expect([res.status, res.body.message]).toEqual([400, "A valid publishable key is required to proceed with the request"])
  })

  it("keeps the grant on an error the route answers after the guard", async () => {
    const key = await publishable([SHOP])
    const res = await request(fx.app).get("/store/sales-channels?sales_channel_id=sc_unknown").set("x-publishable-api-key", key.token).set("Origin", SHOP)
    expect(res.status).toBe(400)
    expect(res.headers["access-control-allow-origin"]).toBe(SHOP)
  })
})

describe("a key without allowed_origins", () => {
  it("keeps Medusa's behaviour: storeCors decides the CORS headers and no origin is refused", async () => {
    const key = await publishable()
    const listed = await store(key.token, LOCAL_STOREFRONT)
    expect([listed.status, listed.headers["access-control-allow-origin"]]).toEqual([200, LOCAL_STOREFRONT])
    const other = await store(key.token, EVIL)
    expect([other.status, other.headers["access-control-allow-origin"]]).toEqual([200, undefined])
  })
})

describe("origin patterns", () => {
  const PATTERNS = ["https://*.example.com", "http://localhost:3000", "https://shop.example.org:8443"]
  let token: string
  beforeAll(async () => {
    token = (await publishable(PATTERNS, "patterns")).token
  })

  it.each([
    ["https://a.example.com", true],
    ["https://a.b.example.com", true],
    ["https://a.example.com:443", true],
    ["https://example.com", false],
    ["http://a.example.com", false],
    ["https://a.example.com:8443", false],
    ["https://badexample.com", false],
    ["https://a.example.com.evil.net", false],
    ["http://localhost:3000", true],
    ["http://localhost:3001", false],
    ["http://localhost", false],
    ["https://localhost:3000", false],
    ["https://shop.example.org:8443", true],
    ["https://shop.example.org", false],
    ["https://a.example.com/path", false],
    ["null", false],
  ])("%s is allowed: %s", async (origin, allowed) => {
    const res = await store(token, origin)
    expect(res.status).toBe(allowed ? 200 : 403)
    expect(res.headers["access-control-allow-origin"]).toBe(allowed ? origin : undefined)
  })
})

describe("changing a key's origins", () => {
  it("applies an update over HTTP at once, and null brings Medusa's behaviour back", async () => {
    const key = await publishable([SHOP])
    const update = (allowed_origins: string[] | null) =>
      request(fx.app).post(`/admin/api-keys/${key.id}`).set("Authorization", basicAuth(fx.adminToken)).send({ allowed_origins })
    expect((await store(key.token, SHOP)).status).toBe(200)

    expect((await update(["https://*.example.net"])).status).toBe(200)
    expect((await store(key.token, SHOP)).status).toBe(403)
    expect((await store(key.token, "https://www.example.net")).status).toBe(200)

    expect((await update(null)).status).toBe(200)
    const res = await store(key.token, EVIL)
    expect([res.status, res.headers["access-control-allow-origin"]]).toEqual([200, undefined])
  })
})

describe("preflights", () => {
  it("grants an origin some active key lists, and storeCors origins; not others", async () => {
    await publishable(["https://listed.example.test"])
    const listed = await preflight("https://listed.example.test")
    expect(listed.status).toBe(204)
    expect(listed.headers["access-control-allow-origin"]).toBe("https://listed.example.test")
    expect(listed.headers["access-control-allow-credentials"]).toBe("true")
    expect(listed.headers["access-control-allow-methods"]).toContain("GET")
    expect(listed.headers["access-control-allow-headers"]).toBe("x-publishable-api-key")

    const configured = await preflight(LOCAL_STOREFRONT)
    expect(configured.headers["access-control-allow-origin"]).toBe(LOCAL_STOREFRONT)

    const other = await preflight("https://unlisted.example.org")
    expect(other.status).toBe(204)
    expect(other.headers["access-control-allow-origin"]).toBeUndefined()
  })

  it("matches patterns, and widens /store only, never /admin", async () => {
    await publishable(["https://*.preview.example.io"])
    expect((await preflight("https://pr-7.preview.example.io")).headers["access-control-allow-origin"]).toBe("https://pr-7.preview.example.io")
    expect((await preflight("https://preview.example.io")).headers["access-control-allow-origin"]).toBeUndefined()
    expect((await preflight("https://pr-7.preview.example.io", "/admin/api-keys")).headers["access-control-allow-origin"]).toBeUndefined()
  })

  // (Each test uses origins no other key of the file lists, e.g. under *.example.com.)
  it("stops granting an origin once the key listing it is revoked, deleted from the list, or revoked for later at that instant", async () => {
    const revoked = await publishable(["https://revoked.example.test"])
    const changed = await publishable(["https://changed.example.test"])
    const later = await publishable(["https://later.example.test"])
    const granted = async (origin: string) => (await preflight(origin)).headers["access-control-allow-origin"] === origin
    expect(await granted("https://revoked.example.test")).toBe(true)
    expect(await granted("https://changed.example.test")).toBe(true)

    await fx.apiKeys.revoke(revoked.id, { revoked_by: "test" })
    expect(await granted("https://revoked.example.test")).toBe(false)
    await fx.apiKeys.updateApiKeys(changed.id, { allowed_origins: ["https://other.example.test"] })
    expect(await granted("https://changed.example.test")).toBe(false)
    expect(await granted("https://other.example.test")).toBe(true)

    const { revoked_at } = await fx.apiKeys.revoke(later.id, { revoked_by: "test", revoke_in: 1 })
    expect(await granted("https://later.example.test")).toBe(true)
    await sleep(Math.max(0, new Date(revoked_at!).getTime() - Date.now() + 5))
    expect(await granted("https://later.example.test")).toBe(false)
  })
})

describe("warm requests", () => {
  it("answer store requests with origins, and preflights, with no query", async () => {
    const key = await publishable([SHOP, "https://*.example.com"], "warm")
    // This process hears its own writes at once and again when PostgreSQL delivers them: warm
    // until a whole round is served from memory.
    const round = async () => {
      for (let i = 0; i < 5; i++) {
        expect((await store(key.token, SHOP)).status).toBe(200)
        expect((await store(key.token, EVIL)).status).toBe(403)
        expect((await store(key.token, "https://www.example.com")).status).toBe(200)
        expect((await preflight("https://www.example.com")).headers["access-control-allow-origin"]).toBe("https://www.example.com")
        expect((await preflight(EVIL)).headers["access-control-allow-origin"]).toBeUndefined()
      }
    }
    expect(await eventually(async () => (await queriesDuring(round)) === 0, 5_000)).toBe(true)
    expect(await queriesDuring(round)).toBe(0)
  })
})

describe("without the cache (authCache: false)", () => {
  let uncached: HttpFixture
  beforeAll(async () => {
    uncached = await setupHttpApp({ apiKey: { authCache: false } })
  })
  afterAll(async () => {
    await uncached?.close()
  })

  it("applies the same rules, reading the key each time", async () => {
    const key = await uncached.apiKeys.createApiKeys({ title: "sf", type: "publishable", created_by: "t", allowed_origins: [SHOP] })
    const get = (origin: string) => request(uncached.app).get("/store/sales-channels").set("x-publishable-api-key", key.token).set("Origin", origin)
    expect((await get(SHOP)).headers["access-control-allow-origin"]).toBe(SHOP)
    expect((await get(EVIL)).status).toBe(403)
    const pre = await request(uncached.app).options("/store/sales-channels").set("Origin", SHOP).set("Access-Control-Request-Method", "GET")
    expect(pre.headers["access-control-allow-origin"]).toBe(SHOP)
    await uncached.apiKeys.updateApiKeys(key.id, { allowed_origins: [EVIL] })
    expect((await get(SHOP)).status).toBe(403)
    expect((await get(EVIL)).status).toBe(200)
  })
})

describe("in a second OS process", () => {
  let server: FixtureProcess
  let base: string

  beforeAll(async () => {
    server = await forkFixture("store-server-process.js", {
      MEDUSA_CONFIG: JSON.stringify(testConfig(fx.database.url, { apiKey: { authCache: { max: 50, propagationMs: PROPAGATION_MS } } })),
    })
    base = `http://127.0.0.1:${await server.call<number>("port")}`
    expect(await server.call("storeCacheServing")).toBe(true)
  })
  afterAll(() => server?.close())

  async function remote(token: string, origin?: string) {
    const res = await fetch(`${base}/store/sales-channels`, { headers: { "x-publishable-api-key": token, ...(origin ? { Origin: origin } : {}) } })
    return { status: res.status, allowOrigin: res.headers.get("access-control-allow-origin"), body: (await res.json()) as any }
  }

  async function remotePreflight(origin: string) {
    const res = await fetch(`${base}/store/sales-channels`, {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-publishable-api-key" },
    })
    return res.headers.get("access-control-allow-origin")
  }

  /** Runs `round` until it is served from the second process's memory (no query), then once more. */
  async function expectWarmThere(round: () => Promise<void>) {
    const zero = async () => {
      const before = await server.call<number>("queries")
      await round()
      return (await server.call<number>("queries")) - before === 0
    }
    expect(await eventually(zero, 5_000)).toBe(true)
    expect(await zero()).toBe(true)
  }

  it("serves warm requests with origins and warm preflights with no query", async () => {
    const key = await publishable([SHOP], "remote warm")
    await expectWarmThere(async () => {
      expect(await remote(key.token, SHOP)).toMatchObject({ status: 200, allowOrigin: SHOP })
      expect(await remote(key.token, EVIL)).toMatchObject({ status: 403, allowOrigin: null, body: refusal(EVIL) })
      expect(await remotePreflight(SHOP)).toBe(SHOP)
      expect(await remotePreflight(EVIL)).toBeNull()
    })
  })

  it("sees an origin list changed here through the module within the window", async () => {
    const key = await publishable(["https://a.example.com"], "remote module")
    await expectWarmThere(async () => {
      expect((await remote(key.token, "https://a.example.com")).status).toBe(200)
    })
    await fx.apiKeys.updateApiKeys(key.id, { allowed_origins: ["https://b.example.com"] })
    const changedAt = Date.now()
    expect(await eventually(async () => (await remote(key.token, "https://a.example.com")).status === 403, SEEN_WITHIN_MS)).toBe(true)
    expect(Date.now() - changedAt).toBeLessThan(SEEN_WITHIN_MS)
    expect(await remote(key.token, "https://b.example.com")).toMatchObject({ status: 200, allowOrigin: "https://b.example.com" })
  })

  it("sees an origin list changed here over HTTP within the window, and a cleared one", async () => {
    const key = await publishable(["https://c.example.com"], "remote http")
    await expectWarmThere(async () => {
      expect((await remote(key.token, EVIL)).status).toBe(403)
    })
    const update = (allowed_origins: string[] | null) =>
      request(fx.app).post(`/admin/api-keys/${key.id}`).set("Authorization", basicAuth(fx.adminToken)).send({ allowed_origins })
    expect((await update([EVIL])).status).toBe(200)
    expect(await eventually(async () => (await remote(key.token, EVIL)).allowOrigin === EVIL, SEEN_WITHIN_MS)).toBe(true)
    expect((await update(null)).status).toBe(200)
    expect(await eventually(async () => (await remote(key.token, "https://c.example.com")).status === 200, SEEN_WITHIN_MS)).toBe(true)
  })

  it("grants a preflight for an origin a key listed here, and stops once no key lists it", async () => {
    const origin = "https://fresh.example.test"
    expect(await remotePreflight(origin)).toBeNull()
    const key = await publishable([origin], "remote preflight")
    expect(await eventually(async () => (await remotePreflight(origin)) === origin, SEEN_WITHIN_MS)).toBe(true)
    await fx.apiKeys.updateApiKeys(key.id, { allowed_origins: null })
    expect(await eventually(async () => (await remotePreflight(origin)) === null, SEEN_WITHIN_MS)).toBe(true)
  })
})
