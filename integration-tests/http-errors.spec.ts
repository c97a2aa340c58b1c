import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import request from "supertest"
import { createApp } from "../src/http"
import { setupHttpApp, type HttpFixture } from "./setup/http"

const SRC = path.resolve(__dirname, "../src")
let fx: HttpFixture
let appDir: string

/** An app folder whose route throws whatever error the test asks for. */
function writeErrorRoutes(directory: string): void {
  const dir = path.join(directory, "src", "api", "boom", "[type]")
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    path.join(dir, "route.js"),
    `const { MedusaError } = require(${JSON.stringify(SRC)})
exports.GET = async function GET(req) {
  if (req.params.type === "plain") throw new Error("connect ECONNREFUSED postgres://admin:hunter2@db:5432")
  if (req.params.type === "sync") { req.res.status(200); throw new MedusaError("not_allowed", "thrown synchronously") }
  throw new MedusaError(req.params.type, "The thing went wrong: " + req.params.type, req.query.code)
}
`
  )
}

beforeAll(async () => {
  appDir = mkdtempSync(path.join(tmpdir(), "api-key-errors-app-"))
  writeErrorRoutes(appDir)
  fx = await setupHttpApp({ directory: appDir })
})

afterAll(async () => {
  await fx.close()
  rmSync(appDir, { recursive: true, force: true })
})

const authed = (req: request.Test) => req.set("Authorization", `Bearer ${fx.adminToken}`)

describe("Medusa's error responses", () => {
  it.each([
    ["not_found", 404],
    ["invalid_data", 400],
    ["not_allowed", 400],
    ["invalid_argument", 400],
    ["unauthorized", 401],
    ["conflict", 409],
    ["duplicate_error", 422],
    ["database_error", 500],
    ["unexpected_state", 500],
  ])("answers a MedusaError of type %s with %i and its message", async (type, status) => {
    const res = await request(fx.app).get(`/boom/${type}`)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ type, message: `The thing went wrong: ${type}` })
  })

  it("adds Medusa's codes to duplicate and database errors, and keeps a code the error carries", async () => {
    expect((await request(fx.app).get("/boom/duplicate_error")).body.code).toBe("invalid_request_error")
    expect((await request(fx.app).get("/boom/database_error")).body.code).toBe("api_error")
    expect((await request(fx.app).get("/boom/conflict?code=insufficient_inventory")).body.code).toBe("insufficient_inventory")
    expect((await request(fx.app).get("/boom/not_found")).body).not.toHaveProperty("code")
  })

  it("hides anything that is not a MedusaError behind unknown_error, and logs it for the operator", async () => {
    const res = await request(fx.app).get("/boom/plain")
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ type: "unknown_error", code: "unknown_error", message: "An unknown error occurred." })
    expect(JSON.stringify(res.body)).not.toContain("hunter2")
    const logged = fx.errors.find((line) => line.startsWith("GET /boom/plain failed: "))
    // Enough to debug: the error's name, its message with the connection password masked, and
    // the stack frames that point at the route file.
    expect(logged).toContain("Error: connect ECONNREFUSED postgres://admin:***@db:5432")
    expect(logged).toMatch(/\n\s+at .*route\.js/)
    expect(logged).not.toContain("hunter2")
  })

  it("logs a MedusaError's type with a 500, and never the request's headers or body", async () => {
    const res = await authed(request(fx.app).get("/boom/database_error").set("X-Trace", "trace-header-value"))
    expect(res.status).toBe(500)
    const logged = fx.errors.filter((line) => line.startsWith("GET /boom/database_error failed: ")).at(-1)
    expect(logged).toMatch(/^GET \/boom\/database_error failed: MedusaError \(database_error\): The thing went wrong: database_error\n\s+at /)
    expect(logged).not.toContain(fx.adminToken)
    expect(logged).not.toContain("trace-header-value")
  })

  it("treats a MedusaError of a type it does not know as unknown", async () => {
    const res = await request(fx.app).get("/boom/payment_authorization_error")
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ type: "unknown_error", code: "unknown_error", message: "An unknown error occurred." })
  })

  it("handles errors thrown before the handler's first await", async () => {
    const res = await request(fx.app).get("/boom/sync")
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "not_allowed", message: "thrown synchronously" })
  })
})

describe("request bodies", () => {
  it("answers malformed JSON with 400 invalid_data, never 500", async () => {
    const res = await authed(request(fx.app).post("/admin/api-keys").set("Content-Type", "application/json").send('{"title": "x",'))
    expect(res.status).toBe(400)
    expect(res.body.type).toBe("invalid_data")
    expect(res.body.message).toMatch(/^The request body is not valid JSON/)
  })

  it("refuses JSON that is not an object where an object is expected", async () => {
    const array = await authed(request(fx.app).post("/admin/api-keys").send([{ title: "x", type: "secret" }]))
    expect(array.status).toBe(400)
    expect(array.body.type).toBe("invalid_data")
    const scalar = await authed(request(fx.app).post("/admin/api-keys").set("Content-Type", "application/json").send('"secret"'))
    expect(scalar.status).toBe(400)
  })

  it("answers a body over the 100kb default limit with 413", async () => {
    const res = await authed(request(fx.app).post("/admin/api-keys").send({ title: "x".repeat(150 * 1024), type: "secret" }))
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ type: "invalid_data", message: "The request body is larger than the limit of 102400 bytes" })
  })

  it("honours a configured body limit", async () => {
    const small = createApp({ container: fx.medusa.container, bodyLimit: "1kb", logger: { info: () => undefined, error: () => undefined } })
    const over = await authed(request(small).post("/admin/api-keys").send({ title: "x".repeat(2048), type: "secret" }))
    expect(over.status).toBe(413)
    const under = await authed(request(small).post("/admin/api-keys").send({ title: "small", type: "publishable" }))
    expect(under.status).toBe(200)
  })
})

describe("unknown routes", () => {
  it("answer 404 with the error body shape", async () => {
    const res = await request(fx.app).get("/nowhere")
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ type: "not_found", message: "Cannot GET /nowhere" })
  })

  it("answer 404 for a method a known path does not serve", async () => {
    const res = await authed(request(fx.app).put("/admin/api-keys"))
    expect(res.status).toBe(404)
    expect(res.body.type).toBe("not_found")
  })
})
