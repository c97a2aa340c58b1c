import request from "supertest"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"
import { queryDatabase } from "./setup/database"

let fx: HttpFixture
let auth: string

beforeAll(async () => {
  fx = await setupHttpApp()
  auth = basicAuth(fx.adminToken)
})

afterAll(async () => {
  await fx.close()
})

const api = () => request(fx.app)
const get = (path: string) => api().get(path).set("Authorization", auth)
const post = (path: string, body?: object) => {
  const req = api().post(path).set("Authorization", auth)
  return body === undefined ? req : req.send(body)
}
const del = (path: string) => api().delete(path).set("Authorization", auth)

async function createKey(title: string, type: "secret" | "publishable") {
  const res = await post("/admin/api-keys", { title, type })
  expect(res.status).toBe(200)
  return res.body.api_key
}

describe("POST /admin/api-keys", () => {
  it("creates a secret key, returns its raw token once, and records the caller as its creator", async () => {
    const res = await post("/admin/api-keys", { title: "CI deploys", type: "secret" })
    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({
      title: "CI deploys",
      type: "secret",
      created_by: fx.admin.id,
      revoked_at: null,
      sales_channels: [],
    })
    expect(res.body.api_key.token).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(res.body.api_key).not.toHaveProperty("salt")

    const again = await get(`/admin/api-keys/${res.body.api_key.id}`)
    expect(again.body.api_key.token).toBe("")
    expect(again.body.api_key.redacted).toBe(`${res.body.api_key.token.slice(0, 6)}***${res.body.api_key.token.slice(-3)}`)
  })

  it("creates a publishable key whose token stays readable", async () => {
    const key = await createKey("Storefront", "publishable")
    expect(key.token).toMatch(/^pk_[0-9a-f]{64}$/)
    const again = await get(`/admin/api-keys/${key.id}`)
    expect(again.body.api_key.token).toBe(key.token)
  })

  it("refuses a body without a title, naming the field", async () => {
    const res = await post("/admin/api-keys", { type: "secret" })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "invalid_data", message: "Invalid request: Field 'title' is required" })
  })

  it("refuses an unknown key type", async () => {
    const res = await post("/admin/api-keys", { title: "x", type: "admin" })
    expect(res.status).toBe(400)
    expect(res.body.type).toBe("invalid_data")
    expect(res.body.message).toContain("'type'")
  })

  it("refuses unknown body fields, naming them", async () => {
    const res = await post("/admin/api-keys", { title: "x", type: "secret", created_by: "someone-else" })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "invalid_data", message: "Invalid request: Unrecognized fields: 'created_by'" })
  })

  it("refuses a title of the wrong type", async () => {
    const res = await post("/admin/api-keys", { title: 42, type: "secret" })
    expect(res.status).toBe(400)
    expect(res.body.message).toBe("Invalid request: Expected type: 'string' for field 'title', got: 'number'")
  })

  it("refuses a body that is not sent as JSON", async () => {
    const res = await api()
      .post("/admin/api-keys")
      .set("Authorization", auth)
      .set("Content-Type", "text/plain")
      .send(JSON.stringify({ title: "x", type: "secret" }))
    expect(res.status).toBe(400)
    expect(res.body.message).toContain("Content-Type: application/json")
  })
})

describe("GET /admin/api-keys", () => {
  let older: { id: string; token: string }
  let newer: { id: string; token: string }

  beforeAll(async () => {
    older = await createKey("List alpha", "publishable")
    await new Promise((resolve) => setTimeout(resolve, 20))
    newer = await createKey("List beta", "secret")
  })

  it("pages with Medusa's defaults and says how many keys match", async () => {
    const res = await get("/admin/api-keys")
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ offset: 0, limit: 20 })
    expect(res.body.count).toBe(res.body.api_keys.length)
    const admin = res.body.api_keys.find((k: { id: string }) => k.id === fx.admin.id)
    expect(admin).toMatchObject({ type: "secret", token: "", sales_channels: [] })
  })

  it("applies limit and offset", async () => {
    const all = await get("/admin/api-keys?order=created_at")
    const page = await get("/admin/api-keys?order=created_at&limit=1&offset=1")
    expect(page.body).toMatchObject({ limit: 1, offset: 1, count: all.body.count })
    expect(page.body.api_keys.map((k: { id: string }) => k.id)).toEqual([all.body.api_keys[1].id])
  })

  it("orders newest first with order=-created_at", async () => {
    const res = await get("/admin/api-keys?order=-created_at&q=List")
    expect(res.body.api_keys.map((k: { id: string }) => k.id)).toEqual([newer.id, older.id])
  })

  it("searches titles with q and filters by type, id and title", async () => {
    expect((await get("/admin/api-keys?q=alpha")).body.api_keys.map((k: { id: string }) => k.id)).toEqual([older.id])
    const secrets = (await get("/admin/api-keys?type=secret")).body.api_keys
    expect(secrets.every((k: { type: string }) => k.type === "secret")).toBe(true)
    const byIds = await get(`/admin/api-keys?id=${older.id}&id=${newer.id}&order=created_at`)
    expect(byIds.body.api_keys.map((k: { id: string }) => k.id)).toEqual([older.id, newer.id])
    expect((await get("/admin/api-keys?title=List%20beta")).body.api_keys.map((k: { id: string }) => k.id)).toEqual([newer.id])
  })

  it("finds a publishable key by its token", async () => {
    const res = await get(`/admin/api-keys?token=${older.token}`)
    expect(res.body.api_keys.map((k: { id: string }) => k.id)).toEqual([older.id])
  })

  it("filters dates with operator maps written in the query string", async () => {
    const created = (await get(`/admin/api-keys/${newer.id}`)).body.api_key.created_at
    const after = await get(`/admin/api-keys?created_at[$gte]=${encodeURIComponent(created)}`)
    expect(after.body.api_keys.map((k: { id: string }) => k.id)).toContain(newer.id)
    expect(after.body.api_keys.map((k: { id: string }) => k.id)).not.toContain(older.id)
    const future = await get("/admin/api-keys?created_at[$gt]=2999-01-01")
    expect(future.body).toMatchObject({ api_keys: [], count: 0 })
  })

  it("returns only the requested fields", async () => {
    const res = await get(`/admin/api-keys?id=${older.id}&fields=id,title`)
    expect(res.body.api_keys).toEqual([{ id: older.id, title: "List alpha" }])
    const withChannels = await get(`/admin/api-keys?id=${older.id}&fields=title,*sales_channels`)
    expect(withChannels.body.api_keys).toEqual([{ id: older.id, title: "List alpha", sales_channels: [] }])
    const without = await get(`/admin/api-keys?id=${older.id}&fields=-sales_channels,-token`)
    expect(without.body.api_keys[0]).not.toHaveProperty("sales_channels")
    expect(without.body.api_keys[0]).not.toHaveProperty("token")
    expect(without.body.api_keys[0]).toHaveProperty("redacted")
  })

  it.each([
    ["limit=-1", "'limit'"],
    ["limit=abc", "'limit'"],
    ["offset=1.5", "'offset'"],
    ["type=admin", "'type'"],
    ["created_at[$gt]=yesterday-ish", "created_at[$gt]"],
    ["created_at[$near]=2024-01-01", "'$near'"],
    ["colour=blue", "'colour'"],
  ])("refuses the query %s with a 400 naming the parameter", async (query, named) => {
    const res = await get(`/admin/api-keys?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.type).toBe("invalid_data")
    expect(res.body.message).toContain(named)
  })

  it("refuses unknown fields and order columns", async () => {
    const fields = await get("/admin/api-keys?fields=id,salt")
    expect(fields.status).toBe(400)
    expect(fields.body.message).toContain("'salt'")
    const order = await get("/admin/api-keys?order=-salt")
    expect(order.status).toBe(400)
    expect(order.body.message).toContain("salt")
  })
})

describe("GET and POST /admin/api-keys/:id", () => {
  it("retrieves a key", async () => {
    const key = await createKey("Retrieve me", "secret")
    const res = await get(`/admin/api-keys/${key.id}`)
    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ id: key.id, title: "Retrieve me", token: "", sales_channels: [] })
  })

  it("answers 404 with Medusa's message for an unknown id", async () => {
    const res = await get("/admin/api-keys/apk_missing")
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ type: "not_found", message: "API Key with id: apk_missing was not found" })
  })

  it("renames a key", async () => {
    const key = await createKey("Old name", "publishable")
    const res = await post(`/admin/api-keys/${key.id}`, { title: "New name" })
    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ id: key.id, title: "New name", token: key.token })
  })

  it("changes nothing but the title: other fields are refused", async () => {
    const key = await createKey("Fixed type", "publishable")
    const res = await post(`/admin/api-keys/${key.id}`, { title: "t", type: "secret" })
    expect(res.status).toBe(400)
    expect(res.body.message).toContain("'type'")
    expect((await get(`/admin/api-keys/${key.id}`)).body.api_key).toMatchObject({ title: "Fixed type", type: "publishable" })
  })

  it("answers 404 when renaming an unknown key", async () => {
    const res = await post("/admin/api-keys/apk_missing", { title: "x" })
    expect(res.status).toBe(404)
  })
})

describe("POST /admin/api-keys/:id/revoke", () => {
  it("revokes at once and records the caller", async () => {
    const key = await createKey("Revoke now", "secret")
    const before = Date.now()
    const res = await post(`/admin/api-keys/${key.id}/revoke`)
    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ id: key.id, revoked_by: fx.admin.id })
    const revokedAt = new Date(res.body.api_key.revoked_at).getTime()
    expect(revokedAt).toBeGreaterThanOrEqual(before - 1000)
    expect(revokedAt).toBeLessThanOrEqual(Date.now() + 1000)
  })

  it("schedules the revocation with revoke_in seconds", async () => {
    const key = await createKey("Revoke later", "secret")
    const res = await post(`/admin/api-keys/${key.id}/revoke`, { revoke_in: 3600 })
    expect(res.status).toBe(200)
    const inSeconds = (new Date(res.body.api_key.revoked_at).getTime() - Date.now()) / 1000
    expect(inSeconds).toBeGreaterThan(3590)
    expect(inSeconds).toBeLessThanOrEqual(3600)
  })

  it("refuses to revoke a secret key twice", async () => {
    const key = await createKey("Twice", "secret")
    await post(`/admin/api-keys/${key.id}/revoke`)
    const res = await post(`/admin/api-keys/${key.id}/revoke`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "invalid_data", message: "There are 1 secret keys that are already revoked." })
  })

  it.each([
    [{ revoke_in: -5 }, "revoke_in"],
    [{ revoke_in: "soon" }, "'revoke_in'"],
    [{ revoked_by: "someone" }, "'revoked_by'"],
  ])("refuses the body %j", async (body, named) => {
    const key = await createKey("Bad revoke", "secret")
    const res = await post(`/admin/api-keys/${key.id}/revoke`, body)
    expect(res.status).toBe(400)
    expect(res.body.message).toContain(named)
  })

  it("answers 404 for an unknown key", async () => {
    const res = await post("/admin/api-keys/apk_missing/revoke")
    expect(res.status).toBe(404)
  })
})

describe("DELETE /admin/api-keys/:id", () => {
  it("refuses to delete a key that is not revoked", async () => {
    const key = await createKey("Keep me", "secret")
    const res = await del(`/admin/api-keys/${key.id}`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "not_allowed", message: `Cannot delete api keys that are not revoked - ${key.id}` })
  })

  it("deletes a revoked key", async () => {
    const key = await createKey("Delete me", "publishable")
    await post(`/admin/api-keys/${key.id}/revoke`)
    const res = await del(`/admin/api-keys/${key.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: key.id, object: "api_key", deleted: true })
    expect((await get(`/admin/api-keys/${key.id}`)).status).toBe(404)
  })
})

describe("POST /admin/api-keys/:id/roll", () => {
  it("returns the successor with its raw token and revokes the old key at once", async () => {
    const old = await createKey("rolling secret", "secret")
    const res = await post(`/admin/api-keys/${old.id}/roll`, {})
    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ title: "rolling secret", type: "secret", created_by: fx.admin.id, revoked_at: null })
    expect(res.body.api_key.token).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(await api().get("/admin/api-keys").set("Authorization", `Bearer ${old.token}`)).toHaveProperty("status", 401)
    expect(await api().get("/admin/api-keys").set("Authorization", `Bearer ${res.body.api_key.token}`)).toHaveProperty("status", 200)
    const previous = await get(`/admin/api-keys/${old.id}`)
    expect(previous.body.api_key.revoked_by).toBe(fx.admin.id)
  })

  it("keeps the old key working for revoke_in seconds", async () => {
    const old = await createKey("overlapping secret", "secret")
    const res = await post(`/admin/api-keys/${old.id}/roll`, { revoke_in: 300 })
    expect(res.status).toBe(200)
    expect(await api().get("/admin/api-keys").set("Authorization", `Bearer ${old.token}`)).toHaveProperty("status", 200)
  })

  it("carries a publishable key's sales channels over to its successor", async () => {
    const old = await createKey("rolling storefront", "publishable")
    const channel = (await post("/admin/sales-channels", { name: "Roll channel" })).body.sales_channel
    await post(`/admin/api-keys/${old.id}/sales-channels`, { add: [channel.id] })
    const res = await post(`/admin/api-keys/${old.id}/roll`, {})
    expect(res.body.api_key.sales_channels.map((c: { id: string }) => c.id)).toEqual([channel.id])
  })

  it("answers 404 for an unknown key and 400 for a negative revoke_in", async () => {
    expect((await post("/admin/api-keys/apk_missing/roll", {})).status).toBe(404)
    const old = await createKey("bad roll", "secret")
    expect((await post(`/admin/api-keys/${old.id}/roll`, { revoke_in: -1 })).status).toBe(400)
  })
})

describe("DELETE /admin/api-keys/:id with sales channels", () => {
  it("removes the key's sales channel links with it", async () => {
    const key = await createKey("deleted storefront", "publishable")
    const channel = (await post("/admin/sales-channels", { name: "Delete channel" })).body.sales_channel
    await post(`/admin/api-keys/${key.id}/sales-channels`, { add: [channel.id] })
    await post(`/admin/api-keys/${key.id}/revoke`, {})
    expect((await del(`/admin/api-keys/${key.id}`)).body).toEqual({ id: key.id, object: "api_key", deleted: true })
    const [{ n }] = await queryDatabase(fx.database.url, "select count(*)::int as n from publishable_api_key_sales_channel where publishable_key_id = $1", [key.id])
    expect(n).toBe(0)
  })
})

describe("POST /admin/api-keys/:id/sales-channels", () => {
  it("adds and removes sales channels of a publishable key", async () => {
    const key = await createKey("Web store", "publishable")
    const web = await fx.salesChannels.createSalesChannels({ name: "Web" })
    const app = await fx.salesChannels.createSalesChannels({ name: "App" })

    const added = await post(`/admin/api-keys/${key.id}/sales-channels`, { add: [web.id, app.id] })
    expect(added.status).toBe(200)
    expect(added.body.api_key.sales_channels.map((c: { id: string }) => c.id).sort()).toEqual([web.id, app.id].sort())

    const removed = await post(`/admin/api-keys/${key.id}/sales-channels`, { remove: [web.id] })
    expect(removed.body.api_key.sales_channels).toEqual([expect.objectContaining({ id: app.id, name: "App" })])
    const listed = await get(`/admin/api-keys?id=${key.id}`)
    expect(listed.body.api_keys[0].sales_channels.map((c: { id: string }) => c.id)).toEqual([app.id])
  })

  it("refuses sales channels on a secret key", async () => {
    const key = await createKey("Secret", "secret")
    const channel = await fx.salesChannels.createSalesChannels({ name: "Nope" })
    const res = await post(`/admin/api-keys/${key.id}/sales-channels`, { add: [channel.id] })
    expect(res.status).toBe(400)
    expect(res.body.message).toBe("Sales channels can only be associated with publishable API keys")
  })

  it("refuses unknown sales channels and malformed lists", async () => {
    const key = await createKey("Picky", "publishable")
    const unknown = await post(`/admin/api-keys/${key.id}/sales-channels`, { add: ["sc_missing"] })
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toContain("sc_missing")
    const malformed = await post(`/admin/api-keys/${key.id}/sales-channels`, { add: "sc_1" })
    expect(malformed.status).toBe(400)
    expect(malformed.body.message).toContain("'add'")
  })
})

describe("/admin/sales-channels", () => {
  it("creates, lists, retrieves, updates and deletes sales channels", async () => {
    const created = await post("/admin/sales-channels", { name: "Outlet", description: "Last season" })
    expect(created.status).toBe(200)
    const id = created.body.sales_channel.id
    expect(created.body.sales_channel).toMatchObject({ id, name: "Outlet", description: "Last season", is_disabled: false })

    const listed = await get("/admin/sales-channels?q=outlet")
    expect(listed.body).toMatchObject({ count: 1, offset: 0, limit: 20 })
    expect(listed.body.sales_channels.map((c: { id: string }) => c.id)).toEqual([id])

    expect((await get(`/admin/sales-channels/${id}`)).body.sales_channel.name).toBe("Outlet")
    const updated = await post(`/admin/sales-channels/${id}`, { is_disabled: true })
    expect(updated.body.sales_channel).toMatchObject({ id, name: "Outlet", is_disabled: true })

    const deleted = await del(`/admin/sales-channels/${id}`)
    expect(deleted.body).toEqual({ id, object: "sales-channel", deleted: true })
    expect((await get(`/admin/sales-channels/${id}`)).status).toBe(404)
  })

  it("pages the list", async () => {
    await post("/admin/sales-channels", { name: "Page A" })
    await post("/admin/sales-channels", { name: "Page B" })
    const res = await get("/admin/sales-channels?q=Page&limit=1&offset=1&order=name")
    expect(res.body).toMatchObject({ count: 2, limit: 1, offset: 1 })
    expect(res.body.sales_channels.map((c: { name: string }) => c.name)).toEqual(["Page B"])
  })

  it("refuses bad input", async () => {
    expect((await post("/admin/sales-channels", {})).body.message).toBe("Invalid request: Field 'name' is required")
    const extra = await post("/admin/sales-channels", { name: "x", metadata: {} })
    expect(extra.status).toBe(400)
    expect(extra.body.message).toContain("'metadata'")
    expect((await get("/admin/sales-channels?limit=many")).status).toBe(400)
    expect((await get("/admin/sales-channels/sc_missing")).status).toBe(404)
  })
})

describe("not-found messages as Medusa's routes word them", () => {
  it.each([
    ["GET", "/admin/api-keys/apk_missing", "API Key with id: apk_missing was not found"],
    ["POST", "/admin/api-keys/apk_missing", "ApiKey with id: apk_missing was not found"],
    ["POST", "/admin/api-keys/apk_missing/revoke", "ApiKey with id: apk_missing was not found"],
    ["POST", "/admin/api-keys/apk_missing/roll", "ApiKey with id: apk_missing was not found"],
    ["POST", "/admin/api-keys/apk_missing/sales-channels", "API Key with id: apk_missing was not found"],
    ["GET", "/admin/sales-channels/sc_missing", "Sales channel with id: sc_missing not found"],
    ["POST", "/admin/sales-channels/sc_missing", 'Sales channel with id "sc_missing" not found'],
  ])("%s %s → 404 %j", async (method, path, message) => {
    const res = method === "GET" ? await get(path) : await post(path, path.startsWith("/admin/sales-channels") ? { name: "x" } : path.endsWith("sales-channels") ? { add: [] } : path.endsWith("apk_missing") ? { title: "x" } : {})
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ type: "not_found", message })
  })
})
