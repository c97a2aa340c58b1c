import request from "supertest"
import { Modules, type Link } from "../src"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"

/** List parameters as the latest Medusa's admin routes take them: with_deleted, $and/$or, publishable_key_id. */

let fx: HttpFixture
const get = (url: string) => request(fx.app).get(url).set("Authorization", basicAuth(fx.adminToken))
const titles = (res: request.Response) => res.body.api_keys.map((k: { title: string }) => k.title).sort()

beforeAll(async () => {
  fx = await setupHttpApp()
  const [, , gone] = await fx.apiKeys.create([
    { title: "Alpha", type: "publishable", created_by: "u" },
    { title: "Beta", type: "publishable", created_by: "u" },
    { title: "Gone", type: "publishable", created_by: "u" },
  ])
  await fx.apiKeys.softDelete(gone.id)
})
afterAll(async () => {
  await fx.close()
})

describe("GET /admin/api-keys", () => {
  it("leaves soft-deleted keys out unless with_deleted=true", async () => {
    expect(titles(await get("/admin/api-keys?type=publishable"))).toEqual(["Alpha", "Beta"])
    expect(titles(await get("/admin/api-keys?type=publishable&with_deleted=true"))).toEqual(["Alpha", "Beta", "Gone"])
  })

  it("takes $or and $and of filters", async () => {
    expect(titles(await get("/admin/api-keys?$or[0][title]=Alpha&$or[1][title]=admin"))).toEqual(["Alpha", "admin"])
    expect(titles(await get("/admin/api-keys?$and[0][type]=publishable&$and[1][q]=et"))).toEqual(["Beta"])
    expect(titles(await get(`/admin/api-keys?$or[0][created_at][$gt]=${encodeURIComponent("2000-01-01")}&type=secret`))).toEqual(["admin"])
  })

  it("refuses an unknown filter inside $or, naming it", async () => {
    const res = await get("/admin/api-keys?$or[0][colour]=red")
    expect(res.status).toBe(400)
    expect(res.body).toEqual(expect.objectContaining({ type: "invalid_data", message: expect.stringContaining("colour") }))
  })
})

describe("GET /admin/sales-channels", () => {
  it("lists the channels linked to a publishable key with publishable_key_id", async () => {
    const [web, mobile] = await fx.salesChannels.create([{ name: "Web" }, { name: "Mobile" }])
    const [key] = await fx.apiKeys.list({ title: "Alpha" })
    await fx.medusa.container.resolve<Link>("link").create({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: web.id } })
    const linked = await get(`/admin/sales-channels?publishable_key_id=${key.id}`)
    expect(linked.body.sales_channels.map((c: { id: string }) => c.id)).toEqual([web.id])
    expect(linked.body.count).toBe(1)
    const none = await get("/admin/sales-channels?publishable_key_id=apk_unknown")
    expect(none.body).toEqual(expect.objectContaining({ sales_channels: [], count: 0 }))
    const both = await get(`/admin/sales-channels?id[]=${mobile.id}&publishable_key_id=${key.id}`)
    expect(both.body.sales_channels).toEqual([])
  })

  it("takes with_deleted and $or there too", async () => {
    const [old] = await fx.salesChannels.create([{ name: "Old" }])
    await fx.salesChannels.softDelete(old.id)
    const names = (res: request.Response) => res.body.sales_channels.map((c: { name: string }) => c.name).sort()
    expect(names(await get("/admin/sales-channels?$or[0][name]=Old&$or[1][name]=Web"))).toEqual(["Web"])
    expect(names(await get("/admin/sales-channels?$or[0][name]=Old&$or[1][name]=Web&with_deleted=true"))).toEqual(["Old", "Web"])
    expect(names(await get("/admin/sales-channels?$or[0][is_disabled]=false&$or[1][name]=Old"))).toEqual(["Mobile", "Web"])
  })
})

describe("fields, as Medusa reads it, through Query", () => {
  it("returns a sales channel with its linked keys when asked for *publishable_api_keys, and only asked fields otherwise", async () => {
    const [web] = await fx.salesChannels.list({ name: "Web" })
    const withKeys = await get(`/admin/sales-channels/${web.id}?fields=*publishable_api_keys`)
    expect(withKeys.status).toBe(200)
    expect(withKeys.body.sales_channel).toEqual(expect.objectContaining({ id: web.id, name: "Web", is_disabled: false }))
    expect(withKeys.body.sales_channel.publishable_api_keys.map((k: { title: string }) => k.title)).toEqual(["Alpha"])
    const narrow = await get(`/admin/sales-channels/${web.id}?fields=name,publishable_api_keys.title`)
    expect(narrow.body.sales_channel).toEqual({ id: web.id, name: "Web", publishable_api_keys: [{ id: expect.any(String), title: "Alpha" }] })
    const minus = await get(`/admin/sales-channels/${web.id}?fields=-description`)
    expect(minus.body.sales_channel).not.toHaveProperty("description")
    expect(minus.body.sales_channel).not.toHaveProperty("publishable_api_keys")
  })

  it("refuses unknown fields and relations with 400 naming them", async () => {
    const res = await get("/admin/sales-channels?fields=name,colour,*orders")
    expect(res.status).toBe(400)
    expect(res.body.message).toContain("'colour', 'orders'")
  })

  it("lets a storefront narrow its own channels' fields, but never reach the keys linked to them", async () => {
    const [key] = await fx.apiKeys.list({ title: "Alpha" })
    const store = (q: string) => request(fx.app).get(`/store/sales-channels${q}`).set("x-publishable-api-key", key.token)
    expect((await store("?fields=name")).body.sales_channels).toEqual([{ id: expect.any(String), name: "Web" }])
    expect((await store("?fields=*publishable_api_keys")).status).toBe(400)
  })
})
