import { rmSync } from "node:fs"
import { connect, type AddressInfo } from "node:net"
import { gzipSync } from "node:zlib"
import { Client } from "pg"
import request from "supertest"
import { createApp } from "../src/http"
import { createHttpServer } from "../src/framework/http/server"
import { writeAppApi } from "./setup/app-folder"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"

/** Reproductions of defects found by attacking the server as a hostile client would (issue 10). */

let fx: HttpFixture
const admin = () => basicAuth(fx.adminToken)
const token64 = "ab".repeat(32)

beforeAll(async () => {
  fx = await setupHttpApp()
})
afterAll(async () => {
  await fx.close()
})

function expectClientError(res: request.Response, status: number, type: string, message?: RegExp): void {
  expect(res.status).toBe(status)
  expect(res.body).toEqual(expect.objectContaining({ type, message: expect.any(String) }))
  if (message) expect(res.body.message).toMatch(message)
}

describe("NUL and other control characters never reach PostgreSQL", () => {
  it("refuses them in a search or filter with 400 naming the filter", async () => {
    expectClientError(await request(fx.app).get("/admin/api-keys?q=%00").set("Authorization", admin()), 400, "invalid_data", /Filter q must not contain control characters; found U\+0000/)
    expectClientError(await request(fx.app).get("/admin/api-keys?title=a%01b").set("Authorization", admin()), 400, "invalid_data", /Filter title/)
  })

  it("answers an id that cannot exist like any unknown id, on every verb", async () => {
    expectClientError(await request(fx.app).get("/admin/api-keys/%00").set("Authorization", admin()), 404, "not_found", /^API Key with id: \u0000 was not found$/)
    expectClientError(await request(fx.app).post("/admin/api-keys/%00").set("Authorization", admin()).send({ title: "x" }), 404, "not_found")
    expectClientError(await request(fx.app).post("/admin/api-keys/%00/revoke").set("Authorization", admin()).send({}), 404, "not_found")
    expectClientError(await request(fx.app).post("/admin/api-keys/%00/roll").set("Authorization", admin()).send({}), 404, "not_found")
    expect((await request(fx.app).delete("/admin/api-keys/%00").set("Authorization", admin())).status).toBe(200)
    expectClientError(await request(fx.app).get("/admin/sales-channels/%00").set("Authorization", admin()), 404, "not_found")
  })

  it("refuses them in a title or a sales channel name, storing nothing", async () => {
    const before = await fx.apiKeys.list({}, { select: ["id"] })
    expectClientError(await request(fx.app).post("/admin/api-keys").set("Authorization", admin()).send({ title: "\u0000", type: "secret" }), 400, "invalid_data", /^title must not contain control characters/)
    expectClientError(await request(fx.app).post("/admin/sales-channels").set("Authorization", admin()).send({ name: "Web\u0000" }), 400, "invalid_data", /^name must not contain control characters/)
    expect(await fx.apiKeys.list({}, { select: ["id"] })).toHaveLength(before.length)
    // A tab is fine in free text.
    expect((await request(fx.app).post("/admin/api-keys").set("Authorization", admin()).send({ title: "a\tb", type: "publishable" })).status).toBe(200)
  })
})

describe("dates and durations are bounded", () => {
  it.each(["10000-01-01", "-000001-01-01T00:00:00Z"])("refuses created_at[$gt]=%s with 400", async (date) => {
    const res = await request(fx.app).get(`/admin/api-keys?created_at[$gt]=${encodeURIComponent(date)}`).set("Authorization", admin())
    expectClientError(res, 400, "invalid_data", /created_at\[\$gt\]/)
  })

  it("refuses a revoke_in beyond 100 years on revoke and on roll", async () => {
    const key = await fx.apiKeys.create({ title: "bounded", type: "secret", created_by: "u" })
    for (const route of ["revoke", "roll"]) {
      const res = await request(fx.app).post(`/admin/api-keys/${key.id}/${route}`).set("Authorization", admin()).send({ revoke_in: 2.54e11 })
      expectClientError(res, 400, "invalid_data", /revoke_in must be a number of seconds from 0 to 3153600000/)
    }
    expect((await fx.apiKeys.retrieve(key.id)).revoked_at).toBeNull()
  })
})

describe("the framework's and body parser's own errors keep their 4xx", () => {
  it("answers a path whose percent-encoding does not decode with 400", async () => {
    expectClientError(await request(fx.app).get("/admin/api-keys/%E0%A4%A").set("Authorization", admin()), 400, "invalid_data", /percent-encoding/)
    expectClientError(await request(fx.app).delete("/admin/api-keys/%").set("Authorization", admin()), 400, "invalid_data")
  })

  it.each(["gzip", "deflate", "br"])("answers a %s body that does not decode with 400, on a write route", async (encoding) => {
    const res = await request(fx.app)
      .post("/admin/api-keys")
      .set("Authorization", admin())
      .set("Content-Type", "application/json")
      .set("Content-Encoding", encoding)
      .send("this is not compressed")
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(res.body).toEqual(expect.objectContaining({ type: "invalid_data" }))
  })

  it("accepts a gzip body that does decode", async () => {
    const server = createHttpServer(fx.app)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      const body = gzipSync(JSON.stringify({ title: "zipped", type: "publishable" }))
      const res = await fetch(`http://127.0.0.1:${port}/admin/api-keys`, {
        method: "POST",
        headers: { Authorization: admin(), "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body,
      })
      expect(await res.json()).toEqual(expect.objectContaining({ api_key: expect.objectContaining({ title: "zipped" }) }))
      expect(res.status).toBe(200)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe("the change feed publishes only what changed", () => {
  let listener: Client
  const heard: string[] = []

  beforeAll(async () => {
    listener = new Client({ connectionString: fx.database.url })
    await listener.connect()
    listener.on("notification", (n) => heard.push(n.payload ?? ""))
    await listener.query('LISTEN "api_key_changes"')
  })
  afterAll(async () => {
    await listener.end()
  })

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

  it("answers a DELETE of an unknown or 8,000-character id with 200 and publishes nothing", async () => {
    heard.length = 0
    expect((await request(fx.app).delete(`/admin/api-keys/apk_${"x".repeat(8000)}`).set("Authorization", admin())).status).toBe(200)
    expect((await request(fx.app).delete("/admin/api-keys/apk_unknown").set("Authorization", admin())).status).toBe(200)
    await settle()
    expect(heard).toEqual([])
  })

  it("publishes the id of a key that was deleted", async () => {
    const key = await fx.apiKeys.create({ title: "to delete", type: "publishable", created_by: "u" })
    await fx.apiKeys.revoke(key.id)
    await settle()
    heard.length = 0
    expect((await request(fx.app).delete(`/admin/api-keys/${key.id}`).set("Authorization", admin())).status).toBe(200)
    await settle()
    expect(heard).toEqual([JSON.stringify({ k: [key.id] })])
  })
})

describe("the server log never carries a token", () => {
  let appDir: string
  const log: string[] = []
  let app: ReturnType<typeof createApp>

  beforeAll(() => {
    appDir = writeAppApi(
      { "admin/fail/[id]/route.js": `exports.GET = async (req) => { throw new Error("failed for " + req.params.id, { cause: new Error("cause mentions " + req.query.t) }) }\n` },
      "api-key-log-"
    )
    app = createApp({ container: fx.medusa.container, directory: appDir, logger: { info: (m) => log.push(m), error: (m) => log.push(m) } })
  })
  afterAll(() => rmSync(appDir, { recursive: true, force: true }))

  it("masks tokens in the path, the query string, the message and its cause", async () => {
    const secret = `sk_${token64}`
    const res = await request(app).get(`/admin/fail/${secret}%00?t=pk_${token64}&u=${encodeURIComponent(secret)}`).set("Authorization", admin())
    expect(res.status).toBe(500)
    const line = log.join("\n")
    expect(line).toContain("GET /admin/fail/sk_aba***bab")
    expect(line).toContain("Caused by:")
    expect(line).not.toMatch(/[0-9a-f]{20}/)
    expect(line).not.toContain("\u0000")
  })
})

describe("revocation is final and roll makes one successor", () => {
  it("never un-revokes a revoked publishable key", async () => {
    const key = await fx.apiKeys.create({ title: "pub", type: "publishable", created_by: "u" })
    await fx.apiKeys.revoke(key.id)
    const res = await request(fx.app).post(`/admin/api-keys/${key.id}/revoke`).set("Authorization", admin()).send({ revoke_in: 3600 })
    expectClientError(res, 400, "not_allowed", /a revocation that has taken effect is final/)
    const stored = await fx.apiKeys.retrieve(key.id)
    expect(stored.revoked_at!.getTime()).toBeLessThanOrEqual(Date.now())
  })

  it("brings a scheduled revocation forward but never postpones it", async () => {
    const key = await fx.apiKeys.create({ title: "sched", type: "secret", created_by: "u" })
    const scheduled = (await fx.apiKeys.revoke(key.id, { revoke_in: 600 })).revoked_at!
    await expect(fx.apiKeys.revoke(key.id, { revoke_in: 3600 })).rejects.toThrow(/can only be brought forward/)
    expect((await fx.apiKeys.retrieve(key.id)).revoked_at).toEqual(scheduled)
    const earlier = (await fx.apiKeys.revoke(key.id, { revoke_in: 60 })).revoked_at!
    expect(earlier.getTime()).toBeLessThan(scheduled.getTime())
  })

  it("makes exactly one successor when one key is rolled 20 times at once", async () => {
    const key = await fx.apiKeys.create({ title: "rolled", type: "secret", created_by: "roller" })
    const results = await Promise.all(
      Array.from({ length: 20 }, () => request(fx.app).post(`/admin/api-keys/${key.id}/roll`).set("Authorization", admin()).send({ revoke_in: 600 }))
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    for (const refused of results.filter((r) => r.status !== 200)) expectClientError(refused, 400, "not_allowed", /already scheduled|roll its successor/)
    expect(await fx.apiKeys.list({ created_by: "roller" })).toHaveLength(2)
    const again = await request(fx.app).post(`/admin/api-keys/${key.id}/roll`).set("Authorization", admin()).send({ revoke_in: 600 })
    expectClientError(again, 400, "not_allowed", /roll its successor instead/)
  })
})

describe("slow clients", () => {
  it("cuts a request whose body does not arrive within the request timeout", async () => {
    const server = createHttpServer(createApp({ container: fx.medusa.container }), { requestTimeoutMs: 1000, headersTimeoutMs: 500 })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      const started = Date.now()
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(`POST /admin/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: ${admin()}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"`)
        })
        let data = ""
        socket.on("data", (chunk) => (data += chunk))
        socket.on("close", () => resolve(data))
      })
      expect(answer).toMatch(/^HTTP\/1\.1 408/)
      expect(Date.now() - started).toBeLessThan(4000)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
