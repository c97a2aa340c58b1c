import { rmSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { authenticate, MedusaError } from "../src"
import { writeAppApi } from "./setup/app-folder"
import { setupHttpApp, type HttpFixture } from "./setup/http"

const SRC = JSON.stringify(path.resolve(__dirname, "../src"))

/** An app's src/api, as a Medusa developer writes it: middlewares.js with the package's helpers. */
const FILES: Record<string, string> = {
  "middlewares.js": `
const { defineMiddlewares, authenticate, filterByValidSalesChannels } = require(${SRC})
module.exports = defineMiddlewares({
  routes: [
    { matcher: "/hooks/private", middlewares: [authenticate("user", ["session", "bearer", "api-key"])] },
    { matcher: "/hooks/optional", middlewares: [authenticate("*", "api-key", { allowUnauthenticated: true })] },
    { method: "GET", matcher: "/store/catalog", middlewares: [filterByValidSalesChannels()] },
  ],
})
`,
  "hooks/private/route.js": `exports.GET = async (req, res) => res.json({ actor: req.auth_context })`,
  "hooks/optional/route.js": `exports.GET = async (req, res) => res.json({ actor: req.auth_context ?? null })`,
  "hooks/open/route.js": `exports.GET = async (req, res) => res.json({ actor: req.auth_context ?? null })`,
  "store/catalog/route.js": `
const { salesChannelIdsInScope } = require(${SRC})
exports.GET = async (req, res) => res.json({ filtered: req.filterableFields.sales_channel_id, inScope: salesChannelIdsInScope(req), context: req.publishable_key_context })
`,
}

let fx: HttpFixture
let appDir: string

beforeAll(async () => {
  appDir = writeAppApi(FILES, "api-key-app-middlewares-")
  fx = await setupHttpApp({ directory: appDir })
})

afterAll(async () => {
  await fx?.close()
  rmSync(appDir, { recursive: true, force: true })
})

describe("authenticate(actorType, authType, options) in an app's middlewares", () => {
  it("lets a secret key through as actor type api-key, whatever actor type the route names", async () => {
    const res = await request(fx.app).get("/hooks/private").set("Authorization", `Bearer ${fx.adminToken}`)
    expect(res.status).toBe(200)
    expect(res.body.actor).toEqual({ actor_id: fx.admin.id, actor_type: "api-key", auth_identity_id: "" })
  })

  it("answers 401 Unauthorized without a key, with a publishable key or with a revoked one", async () => {
    const publishable = await fx.apiKeys.createApiKeys({ title: "pk", type: "publishable", created_by: "test" })
    const revoked = await fx.apiKeys.createApiKeys({ title: "gone", type: "secret", created_by: "test" })
    await fx.apiKeys.revoke({ id: revoked.id }, { revoked_by: "test" })
    for (const header of [undefined, `Bearer ${publishable.token}`, `Bearer ${revoked.token}`]) {
      const call = request(fx.app).get("/hooks/private")
      const res = await (header ? call.set("Authorization", header) : call)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ type: "unauthorized", message: "Unauthorized" })
    }
  })

  it("with allowUnauthenticated, passes callers without a key on without an actor", async () => {
    expect((await request(fx.app).get("/hooks/optional")).body).toEqual({ actor: null })
    expect((await request(fx.app).get("/hooks/optional").set("Authorization", "Bearer sk_nope")).body).toEqual({ actor: null })
    const known = await request(fx.app).get("/hooks/optional").set("Authorization", `Bearer ${fx.adminToken}`)
    expect(known.body.actor.actor_id).toBe(fx.admin.id)
  })

  it("leaves the app's routes the middlewares file does not name alone", async () => {
    expect((await request(fx.app).get("/hooks/open")).body).toEqual({ actor: null })
  })

  it("refuses, when declared, what this host cannot authenticate", () => {
    expect(() => authenticate("customer", ["session", "bearer"])).toThrow(MedusaError)
    expect(() => authenticate("customer", ["session", "bearer"])).toThrow(/secret API keys only; add "api-key"/)
    expect(() => authenticate("user", "password" as never)).toThrow(/authType must be one or more of session, bearer, api-key/)
    expect(() => authenticate([], "api-key")).toThrow(/actorType must be a non-empty string/)
    expect(() => authenticate("customer", ["session"], { allowUnauthenticated: true })).not.toThrow()
  })
})

describe("filterByValidSalesChannels() and salesChannelIdsInScope on an app's store route", () => {
  async function keyWithChannels(count: number) {
    const channels = await Promise.all(Array.from({ length: count }, (_, i) => fx.salesChannels.createSalesChannels({ name: `Scope ${i}` })))
    const key = await fx.apiKeys.createApiKeys({ title: "scoped", type: "publishable", created_by: "test" })
    if (count) {
      await request(fx.app).post(`/admin/api-keys/${key.id}/sales-channels`).set("Authorization", `Bearer ${fx.adminToken}`).send({ add: channels.map((c) => c.id) }).expect(200)
    }
    return { key, channels }
  }

  it("scopes to every channel the key grants when the request names none", async () => {
    const { key, channels } = await keyWithChannels(2)
    const res = await request(fx.app).get("/store/catalog").set("x-publishable-api-key", key.token)
    expect(res.status).toBe(200)
    expect([...res.body.filtered].sort()).toEqual(channels.map((c) => c.id).sort())
    expect(res.body.context.key).toBe(key.token)
  })

  it("narrows to the channels the request names, within the key's", async () => {
    const { key, channels } = await keyWithChannels(2)
    const res = await request(fx.app).get(`/store/catalog?sales_channel_id[]=${channels[1].id}`).set("x-publishable-api-key", key.token)
    expect(res.body).toMatchObject({ filtered: [channels[1].id], inScope: [channels[1].id] })
    const single = await request(fx.app).get(`/store/catalog?sales_channel_id=${channels[0].id}`).set("x-publishable-api-key", key.token)
    expect(single.body.filtered).toEqual([channels[0].id])
  })

  it("refuses a channel outside the key's with Medusa's message", async () => {
    const { key, channels } = await keyWithChannels(1)
    const other = await fx.salesChannels.createSalesChannels({ name: "Not granted" })
    const res = await request(fx.app).get(`/store/catalog?sales_channel_id[]=${channels[0].id}&sales_channel_id[]=${other.id}`).set("x-publishable-api-key", key.token)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "invalid_data", message: "Requested sales channel is not part of the publishable key" })
  })

  it("refuses a key that grants no channel, and a malformed sales_channel_id", async () => {
    const { key } = await keyWithChannels(0)
    const res = await request(fx.app).get("/store/catalog").set("x-publishable-api-key", key.token)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "invalid_data", message: "Publishable key needs to have a sales channel configured" })
    const { key: granted } = await keyWithChannels(1)
    const bad = await request(fx.app).get("/store/catalog?sales_channel_id[a]=b").set("x-publishable-api-key", granted.token)
    expect(bad.status).toBe(400)
    expect(bad.body.message).toBe("sales_channel_id must be a sales channel id or a list of them")
  })
})
