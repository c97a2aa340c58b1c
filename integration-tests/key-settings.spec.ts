import request from "supertest"
import { initialize, MedusaError, Modules, type ApiKeyModuleService, type FilterableApiKeyProps, type UpdateApiKeyDTO } from "../src"
import { createStep, createWorkflow, type WorkflowData } from "../src/framework/workflows-sdk"
import { updateApiKeysStep } from "../src/workflows"
import { setupApp, type AppFixture } from "./setup/app"
import { containing, expectMedusaError } from "./setup/expect"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"


/**
 * This project's optional key settings (scopes, allowed origins, rate limit, metadata): stored,
 * returned only when set, validated with messages that say what to fix, updatable and clearable,
 * recorded in the history, and metadata filterable by its top-level keys. What each setting
 * enforces is tested with its feature.
 */
describe("key settings through the module", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule({ customScopes: ["report:read"] })
  })
  afterAll(async () => {
    await f.close()
  })

  it("leaves a key that uses none of them exactly in Medusa's shape", async () => {
    const key = await f.service.create({ title: "plain", type: "secret", created_by: "u" })
    const read = await f.service.retrieve(key.id)
    for (const field of ["expires_at", "scopes", "allowed_origins", "rate_limit", "metadata"]) {
      expect(key).not.toHaveProperty(field)
      expect(read).not.toHaveProperty(field)
    }
    const [stored] = await f.query("select scopes, allowed_origins, rate_limit, metadata from api_key where id = $1", [key.id])
    expect(stored).toEqual({ scopes: null, allowed_origins: null, rate_limit: null, metadata: null })
  })

  it("stores and returns them when given on create", async () => {
    const secret = await f.service.create({
      title: "reports bot",
      type: "secret",
      created_by: "u",
      scopes: ["report:read", "api_key:read", "api_key:read"],
      rate_limit: { limit: 100, window_s: 60 },
      metadata: { team: "data", seats: 3 },
    })
    expect(secret).toMatchObject({ scopes: ["api_key:read", "report:read"], rate_limit: { limit: 100, window_s: 60 }, metadata: { team: "data", seats: 3 } })
    const storefront = await f.service.create({ title: "web", type: "publishable", created_by: "u", allowed_origins: ["https://Shop.example.com", "https://*.example.com"] })
    expect(await f.service.retrieve(storefront.id)).toMatchObject({ allowed_origins: ["https://shop.example.com", "https://*.example.com"] })
  })

  it.each([
    [{ scopes: ["api_key:delete"] }, 'Unknown scope "api_key:delete"; use "*" or any of api_key:read'],
    [{ scopes: "api_key:read" }, 'scopes must be an array of "resource:action" strings or null'],
    [{ scopes: ["report:*"] }, null],
    [{ allowed_origins: ["https://shop.example.com/path"] }, 'allowed_origins entry "https://shop.example.com/path" is not an origin; use scheme://host[:port] with no path'],
    [{ rate_limit: { limit: 0, window_s: 60 } }, "rate_limit must be { limit, window_s } with whole numbers"],
    [{ rate_limit: { limit: 5, window_s: 60, burst: 2 } }, "unknown field burst"],
    [{ metadata: ["a"] }, "metadata must be a JSON object or null"],
    [{ metadata: { big: "x".repeat(5000) } }, "metadata may be at most 4096 bytes as JSON"],
    [{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, "metadata may have at most 50 keys"],
  ])("checks settings on create (case %#)", async (settings, message) => {
    const type = "allowed_origins" in settings ? "publishable" : "secret"
    const attempt = f.service.create({ title: "t", type, created_by: "u", ...(settings as object) })
    if (message === null) return expect(attempt).resolves.toMatchObject(settings)
    await expectMedusaError(attempt, MedusaError.Types.INVALID_DATA, containing(message))
  })

  it("refuses a setting on the wrong kind of key, and writes nothing", async () => {
    const before = (await f.service.list({})).length
    await expectMedusaError(
      f.service.create([
        { title: "ok", type: "secret", created_by: "u" },
        { title: "bad", type: "publishable", created_by: "u", scopes: ["api_key:read"] },
      ]),
      MedusaError.Types.INVALID_DATA,
      containing("scopes apply to secret keys only")
    )
    expect((await f.service.list({})).length).toBe(before)
    const secret = await f.service.create({ title: "s", type: "secret", created_by: "u" })
    await expectMedusaError(f.service.update(secret.id, { allowed_origins: ["https://a.example"] }), MedusaError.Types.INVALID_DATA, containing(`allowed_origins apply to publishable keys only; a secret key (${secret.id})`))
  })

  it("updates and clears them, records what changed in the history, and an update to the same values changes nothing", async () => {
    const key = await f.service.create({ title: "k", type: "secret", created_by: "u", metadata: { plan: "free", region: "eu" } })
    const updated = await f.service.update(key.id, { scopes: ["api_key:read"], rate_limit: { limit: 10, window_s: 1 }, metadata: { plan: "pro", region: "eu" } }, { actor: "admin_1" })
    expect(updated).toMatchObject({ scopes: ["api_key:read"], rate_limit: { limit: 10, window_s: 1 }, metadata: { plan: "pro", region: "eu" } })
    const same = await f.service.update(key.id, { scopes: ["api_key:read"] })
    expect(same.updated_at).toEqual(updated.updated_at)
    const cleared = await f.service.update(key.id, { scopes: null, rate_limit: null })
    expect(cleared).not.toHaveProperty("scopes")
    expect(cleared).not.toHaveProperty("rate_limit")
    const changes = (await f.service.listApiKeyHistory({ api_key_id: key.id, action: "settings_changed" })).map((e) => [e.actor, e.data])
    expect(changes).toEqual(
      expect.arrayContaining([
        [
          "admin_1",
          { scopes: { from: null, to: ["api_key:read"] }, rate_limit: { from: null, to: { limit: 10, window_s: 1 } }, metadata: { keys: ["plan"] } },
        ],
        [null, { scopes: { from: ["api_key:read"], to: null }, rate_limit: { from: { limit: 10, window_s: 1 }, to: null } }],
      ])
    )
    expect(changes).toHaveLength(2)
  })

  it("filters by metadata's top-level keys, alone or with other filters", async () => {
    const pro = await f.service.create({ title: "filter pro", type: "publishable", created_by: "u", metadata: { plan: "gold", seats: 3, beta: true } })
    await f.service.create({ title: "filter free", type: "publishable", created_by: "u", metadata: { plan: "bronze", seats: 4 } })
    const ids = async (filters: object) => (await f.service.list(filters as never)).map((k) => k.id)
    expect(await ids({ metadata: { plan: "gold" } })).toEqual([pro.id])
    expect(await ids({ metadata: { seats: 3, beta: true }, type: "publishable" })).toEqual([pro.id])
    expect(await ids({ $or: [{ metadata: { plan: "gold" } }, { title: "nothing" }] })).toEqual([pro.id])
    expect(await ids({ metadata: { plan: "enterprise" } })).toEqual([])
    await expectMedusaError(f.service.list({ metadata: { plan: { $ne: "pro" } } } as never), MedusaError.Types.INVALID_DATA, containing("Filter metadata.plan expects a string, number or boolean"))
    await expectMedusaError(f.service.list({ metadata: "pro" } as never), MedusaError.Types.INVALID_DATA, containing("Filter metadata expects an object of top-level keys and values"))
    await expectMedusaError(f.service.list({ scopes: ["x"] } as never), MedusaError.Types.INVALID_DATA, containing("Unknown filter scopes"))
  })

  it("refuses unknown customScopes at start-up", async () => {
    await expect(initialize({ database: { clientUrl: f.database.url }, customScopes: ["Reports"] })).rejects.toThrow('customScopes must be an array of "resource:action" strings')
  })
})

describe("key settings over HTTP", () => {
  let fx: HttpFixture
  let auth: string
  beforeAll(async () => {
    fx = await setupHttpApp()
    auth = basicAuth(fx.adminToken)
  })
  afterAll(async () => {
    await fx.close()
  })
  const post = (path: string, body: object) => request(fx.app).post(path).set("Authorization", auth).send(body)
  const get = (path: string) => request(fx.app).get(path).set("Authorization", auth)

  it("creates, updates, clears and filters them", async () => {
    const created = await post("/admin/api-keys", { title: "ops", type: "secret", scopes: ["sales_channel:read"], metadata: { owner: "ops" } })
    expect(created.status).toBe(200)
    expect(created.body.api_key).toMatchObject({ scopes: ["sales_channel:read"], metadata: { owner: "ops" } })
    const id = created.body.api_key.id

    const renamed = await post(`/admin/api-keys/${id}`, { metadata: { owner: "platform" }, rate_limit: { limit: 5, window_s: 10 } })
    expect(renamed.status).toBe(200)
    expect(renamed.body.api_key).toMatchObject({ title: "ops", metadata: { owner: "platform" }, rate_limit: { limit: 5, window_s: 10 } })

    const listed = await get("/admin/api-keys?metadata[owner]=platform")
    expect(listed.status).toBe(200)
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual([id])

    const cleared = await post(`/admin/api-keys/${id}`, { metadata: null })
    expect(cleared.body.api_key).not.toHaveProperty("metadata")
  })

  it("answers 400 naming the problem", async () => {
    const empty = await post("/admin/api-keys/apk_whatever", {})
    expect(empty.status).toBe(400)
    expect(empty.body.message).toContain("Give the title or a setting to change")
    const bad = await post("/admin/api-keys", { title: "x", type: "publishable", allowed_origins: ["shop.example.com"] })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({ type: "invalid_data", message: expect.stringContaining('allowed_origins entry "shop.example.com" is not an origin') })
    const unknown = await post("/admin/api-keys", { title: "x", type: "secret", owner: "me" })
    expect(unknown.status).toBe(400)
  })
})

describe("key settings in workflows", () => {
  let f: AppFixture
  beforeAll(async () => {
    f = await setupApp()
  })
  afterAll(async () => {
    await f.close()
  })

  it("puts the previous settings back, unset ones included, when a later step fails", async () => {
    const service = f.app.container.resolve<ApiKeyModuleService>(Modules.API_KEY)
    const [set, unset] = await service.create([
      { title: "set", type: "publishable", created_by: "u", metadata: { plan: "free" }, allowed_origins: ["https://a.example"] },
      { title: "unset", type: "publishable", created_by: "u" },
    ])
    const failing = createStep({ name: "fail-after-settings", noCompensation: true }, async () => {
      throw new MedusaError(MedusaError.Types.CONFLICT, "failed on purpose")
    })
    const workflow = createWorkflow("settings-then-fail", (input: WorkflowData<{ selector: FilterableApiKeyProps; update: UpdateApiKeyDTO }>) => {
      updateApiKeysStep(input)
      failing()
    })
    await expect(
      workflow(f.app.container).run({ input: { selector: { id: [set.id, unset.id] }, update: { metadata: { plan: "pro" }, allowed_origins: ["https://b.example"] } } })
    ).rejects.toThrow("failed on purpose")
    expect(await service.retrieve(set.id)).toMatchObject({ metadata: { plan: "free" }, allowed_origins: ["https://a.example"] })
    const restored = await service.retrieve(unset.id)
    expect(restored).not.toHaveProperty("metadata")
    expect(restored).not.toHaveProperty("allowed_origins")
  })
})
