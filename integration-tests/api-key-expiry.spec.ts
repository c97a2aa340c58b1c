import { rmSync } from "node:fs"
import request from "supertest"
import { initialize, MedusaError, moduleQueryCount } from "../src"
import { formatDuration, parseDuration } from "../src/framework/modules-sdk/duration"
import { inactiveFrom, isActiveApiKey } from "../src/modules/api-key"
import { KeyLifetimePolicy } from "../src/modules/api-key/services/key-lifetime"
import { rollApiKeyWorkflow } from "../src/workflows"
import { writeAppApi } from "./setup/app-folder"
import { setupCliApp, type CliApp } from "./setup/cli-app"
import { queryDatabase } from "./setup/database"
import { containing, expectMedusaError } from "./setup/expect"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { basicAuth, setupHttpApp, testConfig, type HttpFixture } from "./setup/http"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"
import { eventually, sleep } from "./setup/wait"

/**
 * Expiry at creation (issue 14, point 1): `expires_at` or `expires_in` on create (module, HTTP,
 * CLI), the module option `maxLifetime`, and "an expired key counts as revoked" for every rule —
 * authentication and the store guard refuse it at its instant with no invalidation, here and in
 * a second OS process; the secret-key limit ignores it; delete takes it; revoke and roll treat it
 * as revoked. Roll gives the successor its predecessor's lifetime length.
 */

const DAY = 86_400
const NOT_ALLOWED = "A valid publishable key is required to proceed with the request"


/** Waits until `at` has passed (plus a few ms for the clock's resolution). */
async function until(at: Date | string): Promise<void> {
  await sleep(Math.max(0, new Date(at).getTime() - Date.now() + 5))
}

/** Milliseconds between `date` and now + `seconds`: small when the date is that far away. */
const offFrom = (date: Date | string | undefined, seconds: number) => Math.abs(new Date(date!).getTime() - (Date.now() + seconds * 1000))

describe("durations and lifetimes", () => {
  it("reads durations as the options and the CLI write them, and names them in messages", () => {
    expect([parseDuration("90d"), parseDuration("12h"), parseDuration(" 15m "), parseDuration("90s")]).toEqual([90 * DAY, 12 * 3600, 900, 90])
    for (const bad of ["90", "90 days", "-1d", "1.5h", "d", ""]) expect(parseDuration(bad)).toBeNull()
    expect([formatDuration(120 * DAY), formatDuration(DAY), formatDuration(5400), formatDuration(30)]).toEqual(["120 days", "1 day", "1.5 hours", "30 seconds"])
  })

  it("ends a key at the earlier of its revocation and its expiry", () => {
    const now = new Date("2030-01-01T00:00:00Z")
    const before = "2029-12-31T23:59:59Z"
    const after = "2030-01-01T00:00:01Z"
    expect(isActiveApiKey({ revoked_at: null }, now)).toBe(true)
    expect(isActiveApiKey({ revoked_at: null, expires_at: after }, now)).toBe(true)
    expect(isActiveApiKey({ revoked_at: null, expires_at: before }, now)).toBe(false)
    expect(isActiveApiKey({ revoked_at: after, expires_at: before }, now)).toBe(false)
    expect(inactiveFrom({ revoked_at: after, expires_at: before })).toBe(new Date(before).getTime())
    expect(inactiveFrom({ revoked_at: null })).toBe(Infinity)
  })

  it("gives a key that asks for no expiry its predecessor's lifetime, capped by the maximum", () => {
    const now = new Date("2030-01-01T00:00:00Z")
    const sevenDays = { created_at: "2029-01-01T00:00:00Z", expires_at: "2029-01-08T00:00:00Z" }
    const seconds = (date: Date | null) => (date ? (date.getTime() - now.getTime()) / 1000 : null)
    expect(seconds(new KeyLifetimePolicy({}).defaultExpiry("secret", now))).toBeNull()
    expect(seconds(new KeyLifetimePolicy({}).defaultExpiry("secret", now, sevenDays))).toBe(7 * DAY)
    expect(seconds(new KeyLifetimePolicy({}).defaultExpiry("secret", now, { created_at: "2029-01-01T00:00:00Z", expires_at: null }))).toBeNull()
    expect(seconds(new KeyLifetimePolicy({ secret: 3 * DAY }).defaultExpiry("secret", now, sevenDays))).toBe(3 * DAY)
    expect(seconds(new KeyLifetimePolicy({ secret: 30 * DAY }).defaultExpiry("secret", now, sevenDays))).toBe(7 * DAY)
    expect(seconds(new KeyLifetimePolicy({ secret: 30 * DAY }).defaultExpiry("secret", now))).toBe(30 * DAY)
    expect(seconds(new KeyLifetimePolicy({ secret: 30 * DAY }).defaultExpiry("publishable", now))).toBeNull()
  })
})

describe("expiry through the module", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    // Medusa's old one-active-secret-key rule, per creator: expired keys must not count.
    // No last_used_at writes, so a warm authenticate sends no statement at all.
    f = await setupApiKeyModule({ secretKeyLimit: { max: 1, per: "created_by" }, lastUsedAt: false })
  })
  afterAll(async () => {
    await f.close()
  })

  /** A key that expires a moment after it is created, once that moment has passed. */
  async function expiredKey(type: "secret" | "publishable", createdBy: string) {
    const key = await f.service.createApiKeys({ title: "short-lived", type, created_by: createdBy, expires_in: 0.2 })
    await until(key.expires_at!)
    return key
  }

  it("creates keys that expire at an instant or after a number of seconds, and says so in the history", async () => {
    const at = new Date(Date.now() + 3 * DAY * 1000)
    const absolute = await f.service.createApiKeys({ title: "until", type: "publishable", created_by: "u1", expires_at: at.toISOString() })
    expect(absolute.expires_at).toEqual(at)
    const relative = await f.service.createApiKeys({ title: "for an hour", type: "secret", created_by: "u2", expires_in: 3600 })
    expect(offFrom(relative.expires_at, 3600)).toBeLessThan(5_000)
    expect(await f.service.retrieveApiKey(relative.id)).toMatchObject({ expires_at: relative.expires_at })
    const [created] = await f.service.listApiKeyHistory({ api_key_id: absolute.id })
    expect(created).toMatchObject({ action: "created", data: { title: "until", expires_at: at.toISOString() } })
    // A key without expiry reads as Medusa's do: no expires_at at all, nor in its history.
    const plain = await f.service.createApiKeys({ title: "forever", type: "publishable", created_by: "u1" })
    expect(plain).not.toHaveProperty("expires_at")
    expect((await f.service.listApiKeyHistory({ api_key_id: plain.id }))[0].data).not.toHaveProperty("expires_at")
  })

  it.each([
    [{ expires_at: "2001-01-01T00:00:00Z" }, "expires_at must be in the future; got 2001-01-01T00:00:00.000Z"],
    [{ expires_at: "next tuesday" }, 'expires_at must be a date, e.g. "2030-01-31T00:00:00Z"; got "next tuesday"'],
    [{ expires_at: 1893456000000 }, "expires_at must be a date"],
    [{ expires_in: 0 }, "expires_in must be a number of seconds above 0"],
    [{ expires_in: "3600" }, "expires_in must be a number of seconds above 0"],
    [{ expires_at: "2999-01-01T00:00:00Z", expires_in: 60 }, "Give either expires_at (an instant) or expires_in (seconds from now), not both"],
  ])("refuses a bad expiry on create (case %#) and writes nothing", async (expiry, message) => {
    const before = (await f.service.listApiKeys({})).length
    await expectMedusaError(
      f.service.createApiKeys({ title: "bad", type: "secret", created_by: "bad", ...(expiry as object) }),
      MedusaError.Types.INVALID_DATA,
      containing(message)
    )
    expect((await f.service.listApiKeys({})).length).toBe(before)
  })

  it("cannot change an expiry with update (other fields are ignored there, as in Medusa)", async () => {
    const key = await f.service.createApiKeys({ title: "fixed", type: "publishable", created_by: "u1", expires_in: 3600 })
    const updated = await f.service.updateApiKeys(key.id, { title: "renamed", expires_at: null } as never)
    expect(updated).toMatchObject({ title: "renamed", expires_at: key.expires_at })
  })

  it("does not authenticate an expired key, from its instant on, with no invalidation", async () => {
    const key = await f.service.createApiKeys({ title: "soon", type: "secret", created_by: "auth", expires_in: 2 })
    const expiresAt = new Date(key.expires_at!).getTime()
    // Warm: one cold verification, then served from memory.
    expect(await f.service.authenticate(key.token)).toMatchObject({ id: key.id, expires_at: key.expires_at })
    const queries = moduleQueryCount()
    while (Date.now() < expiresAt - 100) {
      expect(await f.service.authenticate(key.token)).toMatchObject({ id: key.id })
      await sleep(50)
    }
    await until(key.expires_at!)
    expect(await f.service.authenticate(key.token)).toBe(false)
    // Refused from memory: nothing was invalidated and nothing was asked of the database.
    expect(moduleQueryCount() - queries).toBe(0)
  })

  it("does not count expired secret keys against the one-active-key limit", async () => {
    await expiredKey("secret", "limited")
    const next = await f.service.createApiKeys({ title: "next", type: "secret", created_by: "limited" })
    expect(next.id).toMatch(/^apk_/)
    await expectMedusaError(
      f.service.createApiKeys({ title: "one too many", type: "secret", created_by: "limited" }),
      MedusaError.Types.INVALID_DATA,
      "You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."
    )
  })

  it("deletes expired keys, and still refuses keys that expire later", async () => {
    const expired = await expiredKey("secret", "deleter")
    const later = await f.service.createApiKeys({ title: "later", type: "publishable", created_by: "deleter", expires_in: 3600 })
    await expectMedusaError(f.service.deleteApiKeys([expired.id, later.id]), MedusaError.Types.NOT_ALLOWED, `Cannot delete api keys that are not revoked - ${later.id}`)
    await f.service.deleteApiKeys(expired.id)
    expect(await f.service.listApiKeys({ id: expired.id }, { withDeleted: true })).toEqual([])
  })

  it("revokes an expired key as it revokes an already revoked one", async () => {
    const secret = await expiredKey("secret", "revoker")
    await expectMedusaError(f.service.revoke(secret.id), MedusaError.Types.INVALID_DATA, "There are 1 secret keys that are already revoked.")
    const publishable = await expiredKey("publishable", "revoker")
    await expectMedusaError(
      f.service.revoke(publishable.id),
      MedusaError.Types.NOT_ALLOWED,
      containing(`Api key ${publishable.id} expired at ${new Date(publishable.expires_at!).toISOString()}; an expiry that has taken effect is final`)
    )
    // A key that expires later can be revoked earlier: that is how an expiry is brought forward.
    const later = await f.service.createApiKeys({ title: "later", type: "secret", created_by: "revoker-2", expires_in: 3600 })
    expect((await f.service.revoke(later.id, { revoke_in: 60 })).revoked_at).toBeDefined()
  })

  it("lists keys expiring within a window with a date filter", async () => {
    const soon = await f.service.createApiKeys({ title: "soon", type: "publishable", created_by: "lister", expires_in: 2 * DAY })
    const far = await f.service.createApiKeys({ title: "far", type: "publishable", created_by: "lister", expires_in: 30 * DAY })
    const listed = await f.service.listApiKeys({ created_by: "lister", expires_at: { $lte: new Date(Date.now() + 7 * DAY * 1000) } })
    expect(listed.map((k) => k.id)).toEqual([soon.id])
    expect((await f.service.listApiKeys({ created_by: "lister", expires_at: { $gt: new Date() } })).map((k) => k.id).sort()).toEqual([soon.id, far.id].sort())
  })
})

describe("maxLifetime", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule({ maxLifetime: { secret: "90d", publishable: 3600 } })
  })
  afterAll(async () => {
    await f.close()
  })

  it("gives a key that asks for no expiry the maximum of its type", async () => {
    const secret = await f.service.createApiKeys({ title: "s", type: "secret", created_by: "u" })
    expect(offFrom(secret.expires_at, 90 * DAY)).toBeLessThan(5_000)
    const publishable = await f.service.createApiKeys({ title: "p", type: "publishable", created_by: "u", expires_at: null })
    expect(offFrom(publishable.expires_at, 3600)).toBeLessThan(5_000)
    const [created] = await f.service.listApiKeyHistory({ api_key_id: secret.id })
    expect(created.data).toMatchObject({ expires_at: new Date(secret.expires_at!).toISOString() })
  })

  it("allows shorter lifetimes and refuses longer ones, naming the option", async () => {
    const short = await f.service.createApiKeys({ title: "s", type: "secret", created_by: "u", expires_in: 30 * DAY })
    expect(offFrom(short.expires_at, 30 * DAY)).toBeLessThan(5_000)
    await expectMedusaError(
      f.service.createApiKeys({ title: "s", type: "secret", created_by: "u", expires_in: 120 * DAY }),
      MedusaError.Types.INVALID_DATA,
      "expires_in is 120 days but secret keys may live at most 90 days (module option maxLifetime.secret)"
    )
    const far = new Date(Date.now() + 2 * 3600 * 1000)
    await expectMedusaError(
      f.service.createApiKeys([
        { title: "ok", type: "secret", created_by: "u" },
        { title: "p", type: "publishable", created_by: "u", expires_at: far },
      ]),
      MedusaError.Types.INVALID_DATA,
      containing(`expires_at ${far.toISOString()} is 2 hours away but publishable keys may live at most 1 hour (module option maxLifetime.publishable) (api key at index 1)`)
    )
  })

  it.each([
    [{ secret: "90 days" }, 'maxLifetime.secret must be a whole number of seconds (1 to 3153600000) or a duration such as "90d" (units s, m, h, d); got "90 days"'],
    [{ publishable: 0 }, "maxLifetime.publishable must be a whole number of seconds"],
    [{ secret: "90d", admin: "1d" }, "Unknown option maxLifetime.admin: maxLifetime takes secret, publishable"],
    ["90d", 'maxLifetime must be an object such as { secret: "90d" }'],
  ])("refuses a bad maxLifetime at start-up (case %#)", async (maxLifetime, message) => {
    await expect(initialize({ database: { clientUrl: f.database.url }, maxLifetime: maxLifetime as never })).rejects.toThrow(message)
  })
})

/** App routes answering without a query: who the admin caller is, and the store's key context. */
const APP_ROUTES = {
  "admin/whoami/route.js": `exports.GET = (req, res) => res.json({ actor_id: req.auth_context.actor_id })`,
  "store/context/route.js": `exports.GET = (req, res) => res.json({ key: req.publishable_key_context.key })`,
}

describe("expiry over HTTP", () => {
  let fx: HttpFixture
  let directory: string
  let auth: string

  beforeAll(async () => {
    directory = writeAppApi(APP_ROUTES, "expiry-app-")
    // No last_used_at writes, so a warm request sends no statement at all.
    fx = await setupHttpApp({ directory, apiKey: { lastUsedAt: false } })
    auth = basicAuth(fx.adminToken)
  })
  afterAll(async () => {
    await fx?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  const post = (url: string, body: object) => request(fx.app).post(url).set("Authorization", auth).send(body)
  const whoami = (token: string) => request(fx.app).get("/admin/whoami").set("Authorization", basicAuth(token))
  const storeContext = (token: string) => request(fx.app).get("/store/context").set("x-publishable-api-key", token)

  async function expiredKey(type: "secret" | "publishable") {
    const { body } = await post("/admin/api-keys", { title: `expired ${type}`, type, expires_in: 0.2 })
    await until(body.api_key.expires_at)
    return body.api_key
  }

  it("creates a key with expires_at or expires_in, and refuses both at once or a past date", async () => {
    const at = new Date(Date.now() + DAY * 1000).toISOString()
    const absolute = await post("/admin/api-keys", { title: "a", type: "secret", expires_at: at })
    expect(absolute.status).toBe(200)
    expect(absolute.body.api_key).toMatchObject({ expires_at: at, token: expect.stringMatching(/^sk_/) })
    const relative = await post("/admin/api-keys", { title: "r", type: "publishable", expires_in: 600 })
    expect(offFrom(relative.body.api_key.expires_at, 600)).toBeLessThan(5_000)

    const both = await post("/admin/api-keys", { title: "b", type: "secret", expires_at: at, expires_in: 600 })
    expect([both.status, both.body.type]).toEqual([400, "invalid_data"])
    expect(both.body.message).toContain("Give either expires_at (an instant) or expires_in (seconds from now), not both")
    const past = await post("/admin/api-keys", { title: "p", type: "secret", expires_at: "2001-01-01T00:00:00Z" })
    expect([past.status, past.body.message]).toEqual([400, expect.stringContaining("expires_at must be in the future")])
  })

  it("says that an expiry cannot be changed, and lists keys by expiry", async () => {
    const { body } = await post("/admin/api-keys", { title: "fixed", type: "secret", expires_in: 2 * DAY })
    const change = await post(`/admin/api-keys/${body.api_key.id}`, { expires_at: new Date(Date.now() + 9 * DAY * 1000).toISOString() })
    expect([change.status, change.body.message]).toEqual([
      400,
      "Invalid request: Invalid value for field 'expires_at': expires_at is set at creation and cannot change; revoke the key (with revoke_in) to end it earlier",
    ])
    const within = new Date(Date.now() + 3 * DAY * 1000).toISOString()
    const listed = await request(fx.app).get(`/admin/api-keys?expires_at[$lte]=${within}&title=fixed`).set("Authorization", auth)
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual([body.api_key.id])
  })

  it("treats an expired key as revoked: no roll, no second revoke, but delete", async () => {
    const secret = await expiredKey("secret")
    const roll = await post(`/admin/api-keys/${secret.id}/roll`, {})
    expect([roll.status, roll.body.type, roll.body.message]).toEqual([
      400,
      "not_allowed",
      `Cannot roll api key ${secret.id}: it expired at ${secret.expires_at}. Create a new key instead.`,
    ])
    const revoke = await post(`/admin/api-keys/${secret.id}/revoke`, {})
    expect([revoke.status, revoke.body.message]).toEqual([400, "There are 1 secret keys that are already revoked."])
    const removed = await request(fx.app).delete(`/admin/api-keys/${secret.id}`).set("Authorization", auth)
    expect([removed.status, removed.body]).toEqual([200, { id: secret.id, object: "api_key", deleted: true }])
    expect((await whoami(fx.adminToken)).status).toBe(200)
  })

  it("refuses an expired admin key and an expired publishable key, cold", async () => {
    const secret = await expiredKey("secret")
    const admin = await whoami(secret.token)
    expect([admin.status, admin.body]).toEqual([401, { type: "unauthorized", message: "Unauthorized" }])
    const publishable = await expiredKey("publishable")
    const store = await storeContext(publishable.token)
    expect([store.status, store.body.message]).toEqual([400, NOT_ALLOWED])
  })

  /** Sends requests until five in a row cost no statement (this process also hears its own writes a moment later). */
  async function warmHere(send: () => Promise<{ status: number }>) {
    const warm = await eventually(async () => {
      const before = moduleQueryCount()
      for (let i = 0; i < 5; i++) expect((await send()).status).toBe(200)
      return moduleQueryCount() - before === 0
    }, 5_000)
    expect(warm).toBe(true)
  }

  it("stops a warm admin key and a warm publishable key at their expiry, from memory", async () => {
    const secret = (await post("/admin/api-keys", { title: "admin soon", type: "secret", expires_in: 3 })).body.api_key
    const publishable = (await post("/admin/api-keys", { title: "store soon", type: "publishable", expires_in: 3 })).body.api_key
    await warmHere(() => whoami(secret.token))
    await warmHere(() => storeContext(publishable.token))
    const queries = moduleQueryCount()
    const first = new Date(Math.min(new Date(secret.expires_at).getTime(), new Date(publishable.expires_at).getTime()))
    expect(first.getTime() - Date.now()).toBeGreaterThan(200)
    while (Date.now() < first.getTime() - 100) {
      expect((await whoami(secret.token)).status).toBe(200)
      expect((await storeContext(publishable.token)).status).toBe(200)
      await sleep(50)
    }
    await until(secret.expires_at)
    await until(publishable.expires_at)
    expect((await whoami(secret.token)).status).toBe(401)
    const store = await storeContext(publishable.token)
    expect([store.status, store.body.message]).toEqual([400, NOT_ALLOWED])
    expect(moduleQueryCount() - queries).toBe(0)
  })

  it("gives a rolled key's successor its predecessor's lifetime length", async () => {
    const weekly = (await post("/admin/api-keys", { title: "weekly", type: "secret", expires_in: 7 * DAY })).body.api_key
    const rolled = await post(`/admin/api-keys/${weekly.id}/roll`, { revoke_in: 60 })
    expect(rolled.status).toBe(200)
    expect(offFrom(rolled.body.api_key.expires_at, 7 * DAY)).toBeLessThan(5_000)
    const forever = (await post("/admin/api-keys", { title: "forever", type: "publishable" })).body.api_key
    const successor = (await post(`/admin/api-keys/${forever.id}/roll`, {})).body.api_key
    expect(successor).not.toHaveProperty("expires_at")
  })

  describe("in a second OS process", () => {
    let server: FixtureProcess
    let base: string

    beforeAll(async () => {
      server = await forkFixture("store-server-process.js", {
        MEDUSA_CONFIG: JSON.stringify(testConfig(fx.database.url, { apiKey: { lastUsedAt: false } })),
        APP_DIRECTORY: directory,
      })
      base = `http://127.0.0.1:${await server.call<number>("port")}`
      expect(await server.call("storeCacheServing")).toBe(true)
    })
    afterAll(() => server?.close())

    async function remote(pathname: string, headers: Record<string, string>) {
      const res = await fetch(`${base}${pathname}`, { headers })
      return { status: res.status, body: (await res.json()) as any }
    }
    const remoteAdmin = (token: string) => remote("/admin/whoami", { Authorization: basicAuth(token) })
    const remoteStore = (token: string) => remote("/store/context", { "x-publishable-api-key": token })

    /** Requests until five in a row cost that process no statement. */
    async function warmThere(send: () => Promise<{ status: number }>) {
      const warm = await eventually(async () => {
        const before = await server.call<number>("queries")
        for (let i = 0; i < 5; i++) expect((await send()).status).toBe(200)
        return (await server.call<number>("queries")) - before === 0
      }, 5_000)
      expect(warm).toBe(true)
    }

    it("stops a warm admin key and a warm publishable key at their expiry, with no change to hear", async () => {
      const secret = (await post("/admin/api-keys", { title: "remote admin", type: "secret", expires_in: 4 })).body.api_key
      const publishable = (await post("/admin/api-keys", { title: "remote store", type: "publishable", expires_in: 4 })).body.api_key
      await warmThere(() => remoteAdmin(secret.token))
      await warmThere(() => remoteStore(publishable.token))
      const queries = await server.call<number>("queries")
      const first = Math.min(new Date(secret.expires_at).getTime(), new Date(publishable.expires_at).getTime())
      expect(first - Date.now()).toBeGreaterThan(200)
      while (Date.now() < first - 150) {
        expect((await remoteAdmin(secret.token)).status).toBe(200)
        expect((await remoteStore(publishable.token)).status).toBe(200)
        await sleep(50)
      }
      await until(secret.expires_at)
      await until(publishable.expires_at)
      expect(await remoteAdmin(secret.token)).toEqual({ status: 401, body: { type: "unauthorized", message: "Unauthorized" } })
      expect(await remoteStore(publishable.token)).toMatchObject({ status: 400, body: { message: NOT_ALLOWED } })
      // Refused from memory at the instant: no statement, and nothing was written that it could hear.
      expect((await server.call<number>("queries")) - queries).toBe(0)
    })
  })
})

describe("maxLifetime on roll", () => {
  let fx: HttpFixture

  beforeAll(async () => {
    fx = await setupHttpApp({ apiKey: { maxLifetime: { secret: "30d" } } })
  })
  afterAll(async () => {
    await fx?.close()
  })

  const roll = async (id: string) => (await rollApiKeyWorkflow(fx.medusa.container).run({ input: { id } })).result

  it("keeps a successor's lifetime within the maximum", async () => {
    const weekly = await fx.apiKeys.createApiKeys({ title: "weekly", type: "secret", created_by: "u", expires_in: 7 * DAY })
    expect(offFrom((await roll(weekly.id)).expires_at, 7 * DAY)).toBeLessThan(5_000)

    // Keys from before the option was set (or lowered): one that never expires, one meant to live 60 days.
    const [never, long] = await fx.apiKeys.createApiKeys([
      { title: "never", type: "secret", created_by: "u" },
      { title: "long", type: "secret", created_by: "u" },
    ])
    await queryDatabase(fx.database.url, "update api_key set expires_at = null where id = $1", [never.id])
    await queryDatabase(fx.database.url, "update api_key set expires_at = created_at + interval '60 days' where id = $1", [long.id])
    expect(offFrom((await roll(never.id)).expires_at, 30 * DAY)).toBeLessThan(5_000)
    expect(offFrom((await roll(long.id)).expires_at, 30 * DAY)).toBeLessThan(5_000)
  })

  it("leaves publishable keys, which have no maximum here, without expiry", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "web", type: "publishable", created_by: "u" })
    expect(key).not.toHaveProperty("expires_at")
    expect(await roll(key.id)).not.toHaveProperty("expires_at")
  })
})

describe("expiry in the CLI", () => {
  let fixture: CliApp
  const cli = (...argv: string[]) => fixture.cli(...argv)

  beforeAll(async () => {
    fixture = await setupCliApp("expiry")
    expect((await cli("db:migrate")).code).toBe(0)
  })
  afterAll(async () => {
    await fixture?.close()
  })

  it("creates a key with --expires-in and shows its expiry in keys:list and keys:history", async () => {
    const created = await cli("keys:create", "--type", "secret", "--title", "monthly", "--expires-in", "30d")
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^sk_[0-9a-f]{64}$/)
    const [key] = JSON.parse((await cli("keys:list", "--json", "--type", "secret")).stdout)
    expect(offFrom(key.expires_at, 30 * DAY)).toBeLessThan(10_000)
    expect(created.stderr).toContain(`It expires at ${key.expires_at}.`)
    expect((await cli("keys:list")).stdout).toMatch(new RegExp(`monthly\\s+sk_\\w{3}\\*\\*\\*\\w{3}\\s+expires ${key.expires_at.replace(/\./g, "\\.")}`))
    expect((await cli("keys:history", key.id)).stdout).toContain(`created by cli, expires ${key.expires_at}`)
  })

  it("lists only active keys expiring within --expiring, soonest first", async () => {
    for (const [title, expiresIn] of [["in 2 hours", "2h"], ["in 15 minutes", "15m"], ["in 90 days", "90d"]]) {
      expect((await cli("keys:create", "--type", "publishable", "--title", title, "--expires-in", expiresIn)).code).toBe(0)
    }
    expect((await cli("keys:create", "--type", "publishable", "--title", "never")).code).toBe(0)
    const [revoked] = JSON.parse((await cli("keys:list", "--json")).stdout).filter((k: { title: string }) => k.title === "in 2 hours")
    const soon = await cli("keys:list", "--expiring", "7d", "--json")
    expect(JSON.parse(soon.stdout).map((k: { title: string }) => k.title)).toEqual(["in 15 minutes", "in 2 hours"])
    expect((await cli("keys:revoke", revoked.id)).code).toBe(0)
    const table = await cli("keys:list", "--expiring", "7d")
    expect(table.stdout.split("\n").slice(1).map((line) => line.split(/\s{2,}/)[2])).toEqual(["in 15 minutes"])
    const none = await cli("keys:list", "--expiring", "1m")
    expect([none.code, none.stdout, none.stderr]).toEqual([0, "", "No active key expires within 1m"])
  })

  it("refuses durations it cannot read, saying how to write them (a usage error)", async () => {
    for (const [flag, value] of [["--expires-in", "30 days"], ["--expires-in", "0d"], ["--expiring", "7"]]) {
      const command = flag === "--expiring" ? ["keys:list", flag, value] : ["keys:create", "--type", "secret", "--title", "t", flag, value]
      const result = await cli(...command)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`${flag} must be a whole number above 0 with a unit: s, m, h or d (e.g. 30d, 12h); got "${value}"`)
    }
  })
})
