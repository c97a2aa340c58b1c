import { rmSync } from "node:fs"
import request from "supertest"
import { createApp } from "../src/http"
import { writeAppApi } from "./setup/app-folder"
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

  describe("the server log", () => {
    let appDir: string
    const log: string[] = []
    let app: ReturnType<typeof createApp>

    beforeAll(() => {
      // An admin route that fails after authentication, so the request reaches the error log.
      appDir = writeAppApi(
        {
          "admin/explode/route.js": `exports.GET = async () => { throw new Error("the admin route exploded") }
exports.POST = async () => { throw new Error("the admin route exploded") }
`,
        },
        "api-key-auth-log-"
      )
      // Every logger call, info as well as error.
      app = createApp({
        container: fx.medusa.container,
        directory: appDir,
        logger: { info: (message) => log.push(`info: ${message}`), error: (message) => log.push(`error: ${message}`) },
      })
    })

    afterAll(() => {
      rmSync(appDir, { recursive: true, force: true })
    })

    it("records a failed admin request without the credentials that authenticated it", async () => {
      const token = fx.adminToken
      const base64Forms = [Buffer.from(`${token}:`).toString("base64"), Buffer.from(token).toString("base64")]
      for (const authorization of [basicAuth(token), `Basic ${token}`, `Bearer ${token}`]) {
        expect((await request(app).get("/admin/explode").set("Authorization", authorization)).status).toBe(500)
      }
      const posted = await request(app).post("/admin/explode").set("Authorization", `Bearer ${token}`).send({ token })
      expect(posted.status).toBe(500)
      for (const authorization of [`Bearer ${token}x`, basicAuth(`${token}x`), basicAuth("sk_garbage"), `Token ${token}`]) {
        expect((await request(app).get("/admin/explode").set("Authorization", authorization)).status).toBe(401)
      }

      const text = log.join("\n")
      // The capture works: each 500 is there, with what the operator needs.
      expect(log.filter((line) => line.startsWith("error: GET /admin/explode failed: Error: the admin route exploded"))).toHaveLength(3)
      expect(log.filter((line) => line.startsWith("error: POST /admin/explode failed: Error: the admin route exploded"))).toHaveLength(1)
      expect(text).not.toContain(token)
      expect(text).not.toContain(token.slice(3))
      for (const encoded of base64Forms) expect(text).not.toContain(encoded)
      // Not even a malformed or truncated token ("task_queues" in a stack frame is no token).
      expect(text).not.toMatch(/\bsk_/)
    })
  })

  it("leaves /health open", async () => {
    const res = await request(fx.app).get("/health")
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: "ok" })
  })
})
