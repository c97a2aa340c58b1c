import request from "supertest"
import { createApp } from "../src/http"
import { loadMedusaApp, type MedusaApp } from "../src/medusa-app"
import { basicAuth, setupHttpApp, testConfig, type HttpFixture } from "./setup/http"

/** CORS as Medusa configures it: projectConfig.http.storeCors for /store, adminCors for /admin. */

let fx: HttpFixture
beforeAll(async () => {
  fx = await setupHttpApp()
})
afterAll(async () => {
  await fx.close()
})

describe("with Medusa's local defaults", () => {
  it("answers a dashboard's preflight on /admin before authentication, echoing the origin", async () => {
    const res = await request(fx.app)
      .options("/admin/api-keys")
      .set("Origin", "http://localhost:9000")
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization,content-type")
    expect(res.status).toBe(204)
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:9000")
    expect(res.headers["access-control-allow-credentials"]).toBe("true")
    expect(res.headers["access-control-allow-methods"]).toContain("POST")
    expect(res.headers["access-control-allow-headers"]).toBe("authorization,content-type")
  })

  it("adds the CORS headers to a real request from an allowed origin", async () => {
    const publishable = await fx.apiKeys.create({ title: "sf", type: "publishable", created_by: "u" })
    const res = await request(fx.app).get("/store/sales-channels").set("Origin", "http://localhost:8000").set("x-publishable-api-key", publishable.token)
    expect(res.status).toBe(200)
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:8000")
  })

  it("gives another origin no CORS headers, and the storefront origin none on /admin", async () => {
    const evil = await request(fx.app).options("/store/sales-channels").set("Origin", "https://evil.example").set("Access-Control-Request-Method", "GET")
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined()
    const crossed = await request(fx.app).get("/admin/api-keys").set("Origin", "http://localhost:8000").set("Authorization", basicAuth(fx.adminToken))
    expect(crossed.status).toBe(200)
    expect(crossed.headers["access-control-allow-origin"]).toBeUndefined()
  })
})

describe("with projectConfig.http from medusa-config.js", () => {
  let medusa: MedusaApp
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    const config = testConfig(fx.database.url)
    config.projectConfig = { ...config.projectConfig, http: { storeCors: "https://shop.example.com,/https:\\/\\/.*\\.preview\\.example\\.com/", adminCors: "https://admin.example.com" } }
    medusa = await loadMedusaApp({ config })
    app = createApp({ container: medusa.container })
  })
  afterAll(async () => {
    await medusa.shutdown()
  })

  it.each([
    ["/store/sales-channels", "https://shop.example.com", true],
    ["/store/sales-channels", "https://pr-12.preview.example.com", true],
    ["/store/sales-channels", "https://preview.example.com.evil.net", false],
    ["/store/sales-channels", "http://localhost:8000", false],
    ["/admin/api-keys", "https://admin.example.com", true],
    ["/admin/api-keys", "https://shop.example.com", false],
  ])("%s from %s is allowed: %s", async (path, origin, allowed) => {
    const res = await request(app).options(path).set("Origin", origin).set("Access-Control-Request-Method", "GET")
    expect(res.status).toBe(204)
    expect(res.headers["access-control-allow-origin"]).toBe(allowed ? origin : undefined)
  })
})
