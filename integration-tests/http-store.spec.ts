import request from "supertest"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"

let fx: HttpFixture

beforeAll(async () => {
  fx = await setupHttpApp()
})

afterAll(async () => {
  await fx.close()
})

const KEY_REQUIRED = {
  type: "not_allowed",
  message:
    "Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard.",
}
const KEY_INVALID = { type: "not_allowed", message: "A valid publishable key is required to proceed with the request" }

const admin = () => ({
  post: (path: string, body: object) => request(fx.app).post(path).set("Authorization", basicAuth(fx.adminToken)).send(body),
})
const storeChannels = (key?: string) => {
  const req = request(fx.app).get("/store/sales-channels")
  return key === undefined ? req : req.set("x-publishable-api-key", key)
}

describe("the publishable key flow", () => {
  it("lets a storefront see exactly the sales channels its key grants, set up through the admin API", async () => {
    const key = (await admin().post("/admin/api-keys", { title: "Storefront", type: "publishable" })).body.api_key
    const web = (await admin().post("/admin/sales-channels", { name: "Web" })).body.sales_channel
    const pos = (await admin().post("/admin/sales-channels", { name: "Point of sale" })).body.sales_channel
    await admin().post("/admin/sales-channels", { name: "Not granted" })

    expect((await storeChannels(key.token)).body).toEqual({ sales_channels: [] })

    const linked = await admin().post(`/admin/api-keys/${key.id}/sales-channels`, { add: [web.id, pos.id] })
    expect(linked.status).toBe(200)
    const granted = await storeChannels(key.token)
    expect(granted.status).toBe(200)
    expect(granted.body.sales_channels.map((c: { name: string }) => c.name).sort()).toEqual(["Point of sale", "Web"])

    await admin().post(`/admin/api-keys/${key.id}/sales-channels`, { remove: [pos.id] })
    expect((await storeChannels(key.token)).body.sales_channels).toEqual([expect.objectContaining({ id: web.id, name: "Web" })])
  })

  it("requires the x-publishable-api-key header", async () => {
    const res = await storeChannels()
    expect(res.status).toBe(400)
    expect(res.body).toEqual(KEY_REQUIRED)
  })

  it("refuses a key that does not exist", async () => {
    const res = await storeChannels(`pk_${"0".repeat(64)}`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(KEY_INVALID)
  })

  it("refuses a secret token in the header", async () => {
    const res = await storeChannels(fx.adminToken)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(KEY_INVALID)
  })

  it("refuses a revoked key", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "old store", type: "publishable", created_by: "test" })
    await fx.apiKeys.revoke(key.id, { revoked_by: "test" })
    const res = await storeChannels(key.token)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(KEY_INVALID)
  })

  it("accepts a key whose revocation is scheduled in the future", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "rolling store", type: "publishable", created_by: "test" })
    await fx.apiKeys.revoke(key.id, { revoked_by: "test", revoke_in: 3600 })
    expect((await storeChannels(key.token)).status).toBe(200)
  })

  it("guards every /store path, and answers 404 for unknown ones behind a valid key", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "404 store", type: "publishable", created_by: "test" })
    expect((await request(fx.app).get("/store/nothing-here")).status).toBe(400)
    const res = await request(fx.app).get("/store/nothing-here").set("x-publishable-api-key", key.token)
    expect(res.status).toBe(404)
    expect(res.body.type).toBe("not_found")
  })
})

describe("an app without the sales channel module", () => {
  let bare: HttpFixture

  beforeAll(async () => {
    bare = await setupHttpApp({ withoutSalesChannels: true })
  })

  afterAll(async () => {
    await bare.close()
  })

  it("still guards /store with publishable keys, and serves no sales channel routes", async () => {
    const key = await bare.apiKeys.createApiKeys({ title: "store", type: "publishable", created_by: "test" })
    expect((await request(bare.app).get("/store/sales-channels")).status).toBe(400)
    expect((await request(bare.app).get("/store/sales-channels").set("x-publishable-api-key", key.token)).status).toBe(404)
  })

  it("leaves sales_channels out of admin key responses", async () => {
    const res = await request(bare.app).get(`/admin/api-keys/${bare.admin.id}`).set("Authorization", `Bearer ${bare.adminToken}`)
    expect(res.status).toBe(200)
    expect(res.body.api_key).not.toHaveProperty("sales_channels")
  })
})
