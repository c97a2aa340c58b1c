import request from "supertest"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"

let fx: HttpFixture

beforeAll(async () => {
  fx = await setupHttpApp()
})

afterAll(async () => {
  await fx.close()
})

const UNAUTHORIZED = { type: "unauthorized", message: "Unauthorized" }

function listWith(authorization?: string) {
  const req = request(fx.app).get("/admin/api-keys")
  return authorization === undefined ? req : req.set("Authorization", authorization)
}

describe("admin authentication with a secret API key", () => {
  it("accepts Basic auth with the token base64-encoded as the user name (curl -u sk_…:)", async () => {
    const res = await listWith(basicAuth(fx.adminToken))
    expect(res.status).toBe(200)
  })

  it("accepts Basic auth with the raw token, with or without the trailing colon", async () => {
    expect((await listWith(`Basic ${fx.adminToken}`)).status).toBe(200)
    expect((await listWith(`Basic ${fx.adminToken}:`)).status).toBe(200)
  })

  it("accepts a Bearer token", async () => {
    expect((await listWith(`Bearer ${fx.adminToken}`)).status).toBe(200)
  })

  it("reads the scheme case-insensitively", async () => {
    expect((await listWith(`basic ${Buffer.from(`${fx.adminToken}:`).toString("base64")}`)).status).toBe(200)
    expect((await listWith(`BEARER ${fx.adminToken}`)).status).toBe(200)
  })

  it("makes the key the caller: keys it creates record it as their creator", async () => {
    const res = await request(fx.app)
      .post("/admin/api-keys")
      .set("Authorization", `Bearer ${fx.adminToken}`)
      .send({ title: "made by admin", type: "publishable" })
    expect(res.body.api_key.created_by).toBe(fx.admin.id)
  })

  it("refuses a request without an Authorization header", async () => {
    const res = await listWith()
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it.each([
    ["a scheme without credentials", () => "Basic"],
    ["another scheme", () => `Token ${fx.adminToken}`],
    ["no scheme at all", () => fx.adminToken],
    ["credentials that are not base64 of a token", () => "Basic !!!not-base64!!!"],
    ["Basic with a user and password", () => basicAuth("admin:hunter2")],
    ["a truncated token", () => `Bearer ${fx.adminToken.slice(0, 40)}`],
    ["extra parts", () => `Bearer ${fx.adminToken} extra`],
  ])("refuses %s", async (_label, header) => {
    const res = await listWith(header())
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it("refuses a well-formed token that matches no key", async () => {
    const res = await listWith(`Bearer sk_${"0".repeat(64)}`)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it("refuses a publishable key, in any form", async () => {
    const publishable = await fx.apiKeys.createApiKeys({ title: "store", type: "publishable", created_by: "test" })
    for (const header of [basicAuth(publishable.token), `Basic ${publishable.token}`, `Bearer ${publishable.token}`]) {
      const res = await listWith(header)
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNAUTHORIZED)
    }
  })

  it("refuses a revoked key", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "to revoke", type: "secret", created_by: "test" })
    expect((await listWith(`Bearer ${key.token}`)).status).toBe(200)
    await fx.apiKeys.revoke(key.id, { revoked_by: "test" })
    const res = await listWith(`Bearer ${key.token}`)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(UNAUTHORIZED)
  })

  it("still accepts a key whose revocation is scheduled in the future", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "rolling", type: "secret", created_by: "test" })
    await fx.apiKeys.revoke(key.id, { revoked_by: "test", revoke_in: 3600 })
    expect((await listWith(basicAuth(key.token))).status).toBe(200)
  })

  it("guards every /admin path, known or not", async () => {
    const unauthenticated = await request(fx.app).get("/admin/does-not-exist")
    expect(unauthenticated.status).toBe(401)
    const authenticated = await request(fx.app).get("/admin/does-not-exist").set("Authorization", `Bearer ${fx.adminToken}`)
    expect(authenticated.status).toBe(404)
  })

  it("refuses before reading the body", async () => {
    const res = await request(fx.app).post("/admin/api-keys").set("Content-Type", "application/json").send("{not json")
    expect(res.status).toBe(401)
  })

  it("never reports credentials in the server log", async () => {
    await listWith(`Bearer ${fx.adminToken}x`)
    await listWith(basicAuth("sk_garbage"))
    expect(fx.errors.join("\n")).not.toContain("sk_")
  })

  it("leaves /health open", async () => {
    const res = await request(fx.app).get("/health")
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: "ok" })
  })
})
