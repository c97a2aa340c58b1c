import { rmSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { authorize, MedusaError, moduleQueryCount } from "../src"
import { createApp } from "../src/http"
import { writeAppApi } from "./setup/app-folder"
import { setupCliApp, type CliApp } from "./setup/cli-app"
import { eventually } from "./setup/wait"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { setupHttpApp, testConfig, type HttpFixture } from "./setup/http"

/**
 * Scopes of secret keys (issue 14, points 2 and 4): every built-in admin route needs its scope,
 * app routes declare theirs with authorize(), a key limited by scopes can never hand itself more
 * power (create, update, roll), a roll keeps the key's settings, and a scope change reaches a
 * second server within the change feed's propagation window.
 */

const SRC = JSON.stringify(path.resolve(__dirname, "../src"))
/** The change feed's propagation window (1 s) plus room for the polling requests on a busy machine. */
const SEEN_WITHIN_MS = 1_500
const NO_SUCH_KEY = "apk_01NOSUCHKEY0000000000000"

/** The scope table of the README: every built-in admin route and the scope it needs. */
const ROUTE_SCOPES: Record<string, string> = {
  "GET /admin/api-keys": "api_key:read",
  "POST /admin/api-keys": "api_key:write",
  "GET /admin/api-keys/:id": "api_key:read",
  "POST /admin/api-keys/:id": "api_key:write",
  "DELETE /admin/api-keys/:id": "api_key:write",
  "GET /admin/api-keys/:id/history": "api_key:read",
  "POST /admin/api-keys/:id/revoke": "api_key:write",
  "POST /admin/api-keys/:id/roll": "api_key:write",
  "POST /admin/api-keys/:id/sales-channels": "api_key:write",
  "GET /admin/sales-channels": "sales_channel:read",
  "POST /admin/sales-channels": "sales_channel:write",
  "GET /admin/sales-channels/:id": "sales_channel:read",
  "POST /admin/sales-channels/:id": "sales_channel:write",
  "DELETE /admin/sales-channels/:id": "sales_channel:write",
}

const forbidden = (message: string) => ({ type: "forbidden", message })

function call(app: Parameters<typeof request>[0], route: string, token: string, body: object = {}) {
  const [method, routePath] = route.split(" ")
  const url = routePath.replace(":id", NO_SUCH_KEY)
  const req = method === "GET" ? request(app).get(url) : method === "DELETE" ? request(app).delete(url) : request(app).post(url).send(body)
  return req.set("Authorization", `Bearer ${token}`)
}

describe("scopes on the built-in admin routes", () => {
  let fx: HttpFixture
  const tokens: Record<string, string> = {}

  beforeAll(async () => {
    fx = await setupHttpApp()
    const grants: Record<string, string[]> = {
      none: [],
      "api_key:read": ["api_key:read"],
      "api_key:write": ["api_key:write"],
      "sales_channel:read": ["sales_channel:read"],
      "sales_channel:write": ["sales_channel:write"],
      "api_key:*": ["api_key:*"],
      "sales_channel:*": ["sales_channel:*"],
      "*": ["*"],
    }
    for (const [name, scopes] of Object.entries(grants)) {
      tokens[name] = (await fx.apiKeys.createApiKeys({ title: `scoped ${name}`, type: "secret", created_by: "test", scopes })).token
    }
  })
  afterAll(async () => {
    await fx?.close()
  })

  it("has a scope for every built-in admin route, and refuses a key without it with 403 naming the scope and the route", async () => {
    const routes = fx.app.builtInRoutes.filter((r) => r.path.startsWith("/admin")).flatMap((r) => r.methods.map((m) => `${m} ${r.path}`))
    // A new built-in admin route must be added to the table (and to the README's).
    expect([...routes].sort()).toEqual(Object.keys(ROUTE_SCOPES).sort())
    for (const route of routes) {
      const res = await call(fx.app, route, tokens.none)
      expect({ route, status: res.status, body: res.body }).toEqual({
        route,
        status: 403,
        body: forbidden(`This API key lacks the scope "${ROUTE_SCOPES[route]}" needed for ${route}`),
      })
    }
  })

  it("lets a key through a route exactly when its scope, resource:* or * allows it", async () => {
    const outcomes: string[] = []
    for (const [route, needed] of Object.entries(ROUTE_SCOPES)) {
      const resource = needed.split(":")[0]
      for (const name of ["api_key:read", "api_key:write", "sales_channel:read", "sales_channel:write", "api_key:*", "sales_channel:*", "*"]) {
        const allowed = name === needed || name === "*" || name === `${resource}:*`
        const res = await call(fx.app, route, tokens[name])
        // Past the scope check the request meets the route's own answers (400, 404, 200), never 401 or 403.
        const seen = res.status === 403 ? "refused" : res.status === 401 ? "unauthenticated" : "allowed"
        if (seen !== (allowed ? "allowed" : "refused")) outcomes.push(`${name} on ${route}: ${res.status} ${JSON.stringify(res.body)}`)
      }
    }
    expect(outcomes).toEqual([])
  })

  it("leaves keys without scopes with full access, as in Medusa", async () => {
    for (const route of Object.keys(ROUTE_SCOPES)) {
      const res = await call(fx.app, route, fx.adminToken)
      expect([route, res.status]).not.toEqual([route, 403])
    }
    const listed = await request(fx.app).get("/admin/api-keys").set("Authorization", `Bearer ${fx.adminToken}`)
    expect(listed.status).toBe(200)
  })

  it("still answers 401 before any scope check for a revoked or unknown key", async () => {
    const revoked = await fx.apiKeys.createApiKeys({ title: "revoked scoped", type: "secret", created_by: "test", scopes: ["api_key:read"] })
    await fx.apiKeys.revoke(revoked.id, { revoked_by: "test" })
    for (const token of [revoked.token, `sk_${"0".repeat(64)}`]) {
      const res = await request(fx.app).get("/admin/api-keys").set("Authorization", `Bearer ${token}`)
      expect([res.status, res.body]).toEqual([401, { type: "unauthorized", message: "Unauthorized" }])
    }
  })
})

/** An app's own routes: one per scope, one that declares none, and a public one outside /admin. */
const APP_FILES: Record<string, string> = {
  "middlewares.js": `
const { defineMiddlewares, authorize, authenticate } = require(${SRC})
module.exports = defineMiddlewares({
  routes: [
    { method: "GET", matcher: "/admin/reports", middlewares: [authorize("report:read")] },
    { method: "POST", matcher: "/admin/reports", middlewares: [authorize("report:write")] },
    { matcher: "/partner/reports", middlewares: [authenticate("user", "api-key"), authorize("report:read")] },
    { matcher: "/public/reports", middlewares: [authorize("report:read")] },
  ],
})
`,
  "admin/reports/route.js": `
exports.GET = (req, res) => res.json({ auth_context: req.auth_context })
exports.POST = (req, res) => res.json({ written: true })
`,
  "admin/undeclared/route.js": `exports.GET = (req, res) => res.json({ ok: true })`,
  "partner/reports/route.js": `exports.GET = (req, res) => res.json({ auth_context: req.auth_context })`,
  "public/reports/route.js": `exports.GET = (req, res) => res.json({ ok: true })`,
}

describe("authorize() on an app's routes", () => {
  let fx: HttpFixture
  let directory: string
  const customScopes = ["report:read", "report:write"]

  beforeAll(async () => {
    directory = writeAppApi(APP_FILES, "api-key-scopes-app-")
    fx = await setupHttpApp({ directory, apiKey: { customScopes } })
  })
  afterAll(async () => {
    await fx?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  const createKey = async (scopes?: string[]) =>
    (await fx.apiKeys.createApiKeys({ title: "app key", type: "secret", created_by: "test", ...(scopes ? { scopes } : {}) })) as { id: string; token: string }
  const get = (url: string, token: string) => request(fx.app).get(url).set("Authorization", `Bearer ${token}`)

  it("checks the route's scope, and puts the key's scopes in req.auth_context", async () => {
    const reader = await createKey(["report:read"])
    const read = await get("/admin/reports", reader.token)
    expect(read.status).toBe(200)
    expect(read.body.auth_context).toEqual({ actor_id: reader.id, actor_type: "api-key", auth_identity_id: "", scopes: ["report:read"] })
    const write = await request(fx.app).post("/admin/reports").set("Authorization", `Bearer ${reader.token}`).send({})
    expect([write.status, write.body]).toEqual([403, forbidden('This API key lacks the scope "report:write" needed for POST /admin/reports')])

    const both = await createKey(["report:*"])
    expect((await request(fx.app).post("/admin/reports").set("Authorization", `Bearer ${both.token}`).send({})).body).toEqual({ written: true })
    const other = await createKey(["api_key:read"])
    expect((await get("/admin/reports", other.token)).status).toBe(403)
  })

  it("leaves the context of a key without scopes exactly as Medusa's", async () => {
    const res = await get("/admin/reports", fx.adminToken)
    expect(res.status).toBe(200)
    expect(res.body.auth_context).toStrictEqual({ actor_id: fx.admin.id, actor_type: "api-key", auth_identity_id: "" })
  })

  it("works after authenticate() outside /admin, and answers 401 on a route with no authenticated caller", async () => {
    const reader = await createKey(["report:read"])
    expect((await get("/partner/reports", reader.token)).body.auth_context.scopes).toEqual(["report:read"])
    expect((await get("/partner/reports", (await createKey(["report:write"])).token)).status).toBe(403)
    const anonymous = await request(fx.app).get("/public/reports")
    expect([anonymous.status, anonymous.body]).toEqual([401, { type: "unauthorized", message: "Unauthorized" }])
  })

  it("refuses keys with limited scopes on a route that declares no scope, and lets full access through", async () => {
    const limited = await createKey(["report:read"])
    const res = await get("/admin/undeclared", limited.token)
    expect([res.status, res.body]).toEqual([
      403,
      forbidden('GET /admin/undeclared declares no scope, so API keys with limited scopes cannot call it; declare the scope it needs with authorize("resource:action") in src/api/middlewares.ts'),
    ])
    expect((await get("/admin/undeclared", fx.adminToken)).body).toEqual({ ok: true })
    expect((await get("/admin/undeclared", (await createKey(["*"])).token)).body).toEqual({ ok: true })
  })

  it("refuses a malformed scope when authorize is called, and an unknown one when the server starts", () => {
    expect(() => authorize("Reports")).toThrow(MedusaError)
    expect(() => authorize("Reports")).toThrow('authorize expects the one scope a route needs, as "resource:action" in lower case (e.g. "report:read"); got "Reports"')
    expect(() => authorize("report:*")).toThrow("authorize expects the one scope a route needs")
    expect(() => authorize("*")).toThrow("authorize expects the one scope a route needs")

    expect(fx.apiKeys.knownScopes()).toEqual(["api_key:read", "api_key:write", "report:read", "report:write", "sales_channel:read", "sales_channel:write"])
    const typo = writeAppApi(
      {
        "middlewares.js": `const { defineMiddlewares, authorize } = require(${SRC})
module.exports = defineMiddlewares({ routes: [{ matcher: "/admin/invoices", middlewares: [authorize("invoice:read")] }] })`,
        "admin/invoices/route.js": `exports.GET = (req, res) => res.json({})`,
      },
      "api-key-scopes-typo-"
    )
    try {
      expect(() => createApp({ container: fx.medusa.container, directory: typo })).toThrow(
        new RegExp(
          `authorize\\("invoice:read"\\) in .*middlewares\\.js \\(matcher "/admin/invoices"\\): the API key module knows no scope "invoice:read"; add it to the module's customScopes option in medusa-config.js \\(known: api_key:read, api_key:write, report:read, report:write, sales_channel:read, sales_channel:write\\)`
        )
      )
    } finally {
      rmSync(typo, { recursive: true, force: true })
    }
  })

  it("adds no query to a warm request", async () => {
    const reader = await createKey(["report:read"])
    expect((await get("/admin/reports", reader.token)).status).toBe(200)
    const fromMemory = await eventually(async () => {
      const before = moduleQueryCount()
      for (let i = 0; i < 5; i++) expect((await get("/admin/reports", reader.token)).status).toBe(200)
      return moduleQueryCount() === before
    })
    expect(fromMemory).toBe(true)
  })
})

describe("no widening over HTTP", () => {
  let fx: HttpFixture
  let keyManager: { id: string; token: string }

  beforeAll(async () => {
    fx = await setupHttpApp()
    keyManager = await fx.apiKeys.createApiKeys({ title: "key manager", type: "secret", created_by: "test", scopes: ["api_key:read", "api_key:write"] })
  })
  afterAll(async () => {
    await fx?.close()
  })

  const post = (url: string, token: string, body: object) => request(fx.app).post(url).set("Authorization", `Bearer ${token}`).send(body)
  const secretCount = async () => (await fx.apiKeys.listApiKeys({ type: "secret" })).length
  const CALLER = "This API key (scopes: api_key:read, api_key:write)"

  it("creates a secret key only within the caller's scopes, and publishable keys freely", async () => {
    const before = await secretCount()
    const refusals: [object, string][] = [
      [{}, "full access"],
      [{ scopes: null }, "full access"],
      [{ scopes: ["*"] }, "full access"],
      [{ scopes: ["api_key:read", "sales_channel:read"] }, "sales_channel:read"],
      [{ scopes: ["api_key:*"] }, "api_key:*"],
    ]
    for (const [settings, beyond] of refusals) {
      const res = await post("/admin/api-keys", keyManager.token, { title: "wider", type: "secret", ...settings })
      expect([res.status, res.body]).toEqual([
        403,
        forbidden(`${CALLER} cannot create a key with wider scopes than its own (${beyond}); give the new key scopes within this key's`),
      ])
    }
    expect(await secretCount()).toBe(before)

    const narrower = await post("/admin/api-keys", keyManager.token, { title: "reader", type: "secret", scopes: ["api_key:read"] })
    expect(narrower.status).toBe(200)
    expect(narrower.body.api_key).toMatchObject({ scopes: ["api_key:read"], token: expect.stringMatching(/^sk_/) })
    const storefront = await post("/admin/api-keys", keyManager.token, { title: "storefront", type: "publishable" })
    expect(storefront.status).toBe(200)
  })

  it("lets a resource:* key create keys with any action of that resource", async () => {
    const wildcard = await fx.apiKeys.createApiKeys({ title: "wildcard", type: "secret", created_by: "test", scopes: ["api_key:*"] })
    for (const scopes of [["api_key:read", "api_key:write"], ["api_key:*"]]) {
      expect((await post("/admin/api-keys", wildcard.token, { title: "w", type: "secret", scopes })).status).toBe(200)
    }
    expect((await post("/admin/api-keys", wildcard.token, { title: "w", type: "secret", scopes: ["sales_channel:read"] })).status).toBe(403)
  })

  it("updates a key's scopes only to within the caller's, and leaves its other fields to any caller with api_key:write", async () => {
    const target = await fx.apiKeys.createApiKeys({ title: "target", type: "secret", created_by: "test", scopes: ["api_key:read"] })
    for (const [scopes, beyond] of [[null, "full access"], [["sales_channel:write"], "sales_channel:write"]] as const) {
      const res = await post(`/admin/api-keys/${target.id}`, keyManager.token, { scopes })
      expect([res.status, res.body]).toEqual([
        403,
        forbidden(`${CALLER} cannot give key ${target.id} wider scopes than its own (${beyond}); give it scopes within this key's`),
      ])
    }
    expect(await fx.apiKeys.retrieveApiKey(target.id)).toMatchObject({ scopes: ["api_key:read"] })
    const within = await post(`/admin/api-keys/${target.id}`, keyManager.token, { scopes: ["api_key:read", "api_key:write"] })
    expect([within.status, within.body.api_key.scopes]).toEqual([200, ["api_key:read", "api_key:write"]])
    // Renaming a wider key hands the caller nothing.
    expect((await post(`/admin/api-keys/${fx.admin.id}`, keyManager.token, { title: "admin renamed" })).status).toBe(200)
    // The full-access admin may widen anything.
    expect((await post(`/admin/api-keys/${target.id}`, fx.adminToken, { scopes: null })).status).toBe(200)
  })

  it("rolls only keys within the caller's scopes, since a roll returns the new token", async () => {
    const wider = await fx.apiKeys.createApiKeys({ title: "wider", type: "secret", created_by: "test", scopes: ["api_key:read", "sales_channel:read"] })
    const res = await post(`/admin/api-keys/${wider.id}/roll`, keyManager.token, {})
    expect([res.status, res.body]).toEqual([
      403,
      forbidden(`${CALLER} cannot roll key ${wider.id}: its scopes are wider than this key's (sales_channel:read), and a roll returns the new key's token; roll it with a key that holds its scopes`),
    ])
    const full = await post(`/admin/api-keys/${fx.admin.id}/roll`, keyManager.token, {})
    expect(full.status).toBe(403)
    expect(full.body.message).toContain("its scopes are wider than this key's (full access)")
    // Nothing was rolled: both keys still work and have no successor.
    expect((await fx.apiKeys.retrieveApiKey(wider.id)).revoked_at).toBeNull()
    expect((await fx.apiKeys.retrieveApiKey(fx.admin.id)).revoked_at).toBeNull()

    const narrower = await fx.apiKeys.createApiKeys({ title: "narrower", type: "secret", created_by: "test", scopes: ["api_key:read"] })
    const rolled = await post(`/admin/api-keys/${narrower.id}/roll`, keyManager.token, {})
    expect(rolled.status).toBe(200)
    expect(rolled.body.api_key).toMatchObject({ scopes: ["api_key:read"], token: expect.stringMatching(/^sk_/) })
    const publishable = await fx.apiKeys.createApiKeys({ title: "pk", type: "publishable", created_by: "test" })
    expect((await post(`/admin/api-keys/${publishable.id}/roll`, keyManager.token, {})).status).toBe(200)
  })
})

describe("a roll's successor", () => {
  let fx: HttpFixture
  beforeAll(async () => {
    fx = await setupHttpApp()
  })
  afterAll(async () => {
    await fx?.close()
  })

  const roll = (id: string) => request(fx.app).post(`/admin/api-keys/${id}/roll`).set("Authorization", `Bearer ${fx.adminToken}`).send({})

  it("inherits the key's scopes, allowed origins, rate limit and metadata", async () => {
    const secret = await fx.apiKeys.createApiKeys({
      title: "bot",
      type: "secret",
      created_by: "ops",
      scopes: ["sales_channel:read"],
      rate_limit: { limit: 10, window_s: 60 },
      metadata: { team: "data" },
    })
    const rolled = await roll(secret.id)
    expect(rolled.status).toBe(200)
    expect(rolled.body.api_key).toMatchObject({ title: "bot", created_by: "ops", scopes: ["sales_channel:read"], rate_limit: { limit: 10, window_s: 60 }, metadata: { team: "data" } })
    const successor = await fx.apiKeys.retrieveApiKey(rolled.body.api_key.id)
    expect(successor).toMatchObject({ scopes: ["sales_channel:read"], rate_limit: { limit: 10, window_s: 60 }, metadata: { team: "data" } })
    // The successor is held to its scopes like its predecessor.
    const denied = await request(fx.app).get("/admin/api-keys").set("Authorization", `Bearer ${rolled.body.api_key.token}`)
    expect(denied.status).toBe(403)

    const storefront = await fx.apiKeys.createApiKeys({ title: "web", type: "publishable", created_by: "ops", allowed_origins: ["https://shop.example.com"], metadata: { site: "eu" } })
    const rolledStorefront = await roll(storefront.id)
    expect(rolledStorefront.body.api_key).toMatchObject({ allowed_origins: ["https://shop.example.com"], metadata: { site: "eu" } })
  })

  it("of a key without settings has none either (Medusa's shape)", async () => {
    const plain = await fx.apiKeys.createApiKeys({ title: "plain", type: "secret", created_by: "ops" })
    const rolled = await roll(plain.id)
    expect(rolled.status).toBe(200)
    for (const field of ["scopes", "allowed_origins", "rate_limit", "metadata"]) expect(rolled.body.api_key).not.toHaveProperty(field)
  })
})

describe("a scope change, seen by a second server process", () => {
  let fx: HttpFixture
  let directory: string
  let server: FixtureProcess
  let base: string
  const customScopes = ["report:read", "report:write"]

  beforeAll(async () => {
    directory = writeAppApi(APP_FILES, "api-key-scopes-remote-")
    fx = await setupHttpApp({ directory, apiKey: { customScopes } })
    server = await forkFixture("store-server-process.js", {
      MEDUSA_CONFIG: JSON.stringify(testConfig(fx.database.url, { apiKey: { customScopes } })),
      APP_DIRECTORY: directory,
    })
    base = `http://127.0.0.1:${await server.call<number>("port")}`
  })
  afterAll(async () => {
    await server?.close()
    await fx?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  const remote = async (token: string) => (await fetch(`${base}/admin/reports`, { headers: { authorization: `Bearer ${token}` } })).status

  /** Requests until five in a row are served from memory there (this test's own writes may drop an entry just read). */
  async function warm(token: string) {
    const servedFromMemory = await eventually(async () => {
      const before = await server.call<number>("queries")
      for (let i = 0; i < 5; i++) expect(await remote(token)).toBe(200)
      return (await server.call<number>("queries")) - before === 0
    }, 10_000)
    expect(servedFromMemory).toBe(true)
  }

  it("takes a scope away, and gives it back, within the propagation window", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "remote", type: "secret", created_by: "test", scopes: ["report:read"] })
    await warm(key.token)

    await fx.apiKeys.updateApiKeys(key.id, { scopes: ["report:write"] })
    const started = Date.now()
    expect(await eventually(async () => (await remote(key.token)) === 403, SEEN_WITHIN_MS)).toBe(true)
    expect(Date.now() - started).toBeLessThan(SEEN_WITHIN_MS)

    await fx.apiKeys.updateApiKeys(key.id, { scopes: null })
    expect(await eventually(async () => (await remote(key.token)) === 200, SEEN_WITHIN_MS)).toBe(true)
    // Once the new entry is warm, scoped requests there are free again.
    await warm(key.token)
  })
})

describe("scopes in the CLI", () => {
  let app: CliApp
  beforeAll(async () => {
    app = await setupCliApp("scopes-cli")
    expect((await app.cli("db:migrate")).code).toBe(0)
  })
  afterAll(async () => {
    await app?.close()
  })

  it("creates a key with --scopes and lists the scopes", async () => {
    const created = await app.cli("keys:create", "--type", "secret", "--title", "reader bot", "--scopes", "api_key:read, sales_channel:read")
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^sk_[0-9a-f]{64}$/)
    await app.cli("keys:create", "--type", "secret", "--title", "root bot")
    const [reader] = JSON.parse((await app.cli("keys:list", "--json", "--type", "secret")).stdout).filter((k: { title: string }) => k.title === "reader bot")
    expect(reader.scopes).toEqual(["api_key:read", "sales_channel:read"])

    const table = (await app.cli("keys:list")).stdout.split("\n")
    expect(table[0]).toMatch(/\s+CREATED AT\s+SCOPES$/)
    expect(table.find((line) => line.includes("reader bot"))).toMatch(/\sapi_key:read,sales_channel:read$/)
    expect(table.find((line) => line.includes("root bot"))).toMatch(/\s\*$/)
    expect(table.find((line) => line.includes("Default Publishable API Key"))).toMatch(/\s-$/)
  })

  it("says what is wrong with --scopes", async () => {
    const cases: [string[], string][] = [
      [["--type", "secret", "--scopes", " , "], "--scopes needs at least one scope, e.g. --scopes api_key:read,sales_channel:read (leave it out for full access)"],
      [["--type", "secret", "--scopes", "api_key:delete"], 'Unknown scope "api_key:delete"'],
      [["--type", "publishable", "--scopes", "api_key:read"], "scopes apply to secret keys only"],
    ]
    for (const [args, message] of cases) {
      const result = await app.cli("keys:create", "--title", "bad", ...args)
      expect(result.code).not.toBe(0)
      expect(result.stderr).toContain(message)
    }
  })
})
