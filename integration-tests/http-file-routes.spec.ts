import { rmSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { createApp } from "../src/http"
import { writeAppApi } from "./setup/app-folder"
import { setupHttpApp, type HttpFixture } from "./setup/http"

const SRC = path.resolve(__dirname, "../src")
const quote = (p: string) => JSON.stringify(p)

/** The seed's route handler, as written, with its imports pointed at this package's source. */
const SEED_ROUTE_TS = `import { MedusaRequest, MedusaResponse } from ${quote(SRC)}
import { IApiKeyModuleService } from ${quote(SRC)}
import { ModuleRegistrationName } from ${quote(SRC)}

export async function GET(request: MedusaRequest, response: MedusaResponse): Promise<void> {
  const apiKeyModuleService: IApiKeyModuleService = request.scope.resolve(ModuleRegistrationName.API_KEY)
  response.json({ api_keys: await apiKeyModuleService.list() })
}
`

/** The same handler body as plain JavaScript. */
const SEED_ROUTE_JS = `const { ModuleRegistrationName } = require(${quote(SRC)})

exports.GET = async function GET(request, response) {
  const apiKeyModuleService = request.scope.resolve(ModuleRegistrationName.API_KEY)
  response.json({ api_keys: await apiKeyModuleService.list() })
}
`

const ROUTES: Record<string, string> = {
  "admin/seed-js/route.js": SEED_ROUTE_JS,
  "admin/seed-ts/route.ts": SEED_ROUTE_TS,
  "admin/things/[id]/route.js": `
exports.GET = async (req, res) => res.json({ id: req.params.id, actor: req.auth_context, fromScope: req.scope.resolve("auth_context") })
exports.POST = async (req, res) => res.status(201).json({ id: req.params.id, body: req.body })
exports.DELETE = async (req, res) => res.json({ deleted: req.params.id })
`,
  "admin/things/export/route.js": `exports.GET = async (req, res) => res.json({ export: true })`,
  "admin/things/[id]/notes/[noteId]/route.js": `exports.PUT = async (req, res) => res.json(req.params)\nexports.PATCH = async (req, res) => res.json({ patched: req.params.noteId })`,
  "admin/sales-channels/route.js": `exports.GET = async (req, res) => res.json({ overridden: true })`,
  "store/hello/route.js": `exports.GET = async (req, res) => res.json({ context: req.publishable_key_context })`,
  "hooks/ping/route.js": `exports.GET = async (req, res) => res.json({ pong: true, query: req.query })`,
  // Compiled output next to its source: the .js is what runs.
  "both/route.ts": `export async function GET(req: any, res: any) { res.json({ from: "ts" }) }`,
  "both/route.js": `exports.GET = async (req, res) => res.json({ from: "js" })`,
  // Not route files: ignored.
  "admin/things/helper.js": `throw new Error("helpers are not routes")`,
  ".hidden/route.js": `throw new Error("hidden folders are skipped")`,
}


let fx: HttpFixture
let appDir: string
let bearer: string

beforeAll(async () => {
  appDir = writeAppApi(ROUTES)
  fx = await setupHttpApp({ directory: appDir })
  bearer = `Bearer ${fx.adminToken}`
})

afterAll(async () => {
  await fx.close()
  rmSync(appDir, { recursive: true, force: true })
})

describe("file-based routes under src/api", () => {
  it("serves the seed's handler from a .js route file", async () => {
    const res = await request(fx.app).get("/admin/seed-js").set("Authorization", bearer)
    expect(res.status).toBe(200)
    expect(res.body.api_keys.map((k: { id: string }) => k.id)).toContain(fx.admin.id)
    expect(res.body.api_keys.find((k: { id: string }) => k.id === fx.admin.id).token).toBe("")
  })

  it("serves the seed's handler from a .ts route file", async () => {
    const res = await request(fx.app).get("/admin/seed-ts").set("Authorization", bearer)
    expect(res.status).toBe(200)
    expect(res.body.api_keys.map((k: { id: string }) => k.id)).toContain(fx.admin.id)
  })

  it("puts app routes under /admin behind admin authentication, with the caller in the request and its scope", async () => {
    expect((await request(fx.app).get("/admin/seed-js")).status).toBe(401)
    const res = await request(fx.app).get("/admin/things/thing_1").set("Authorization", bearer)
    const actor = { actor_id: fx.admin.id, actor_type: "api-key", auth_identity_id: "" }
    expect(res.body).toEqual({ id: "thing_1", actor, fromScope: actor })
  })

  it("turns [param] folders into path parameters, one handler per exported method", async () => {
    const post = await request(fx.app).post("/admin/things/t2").set("Authorization", bearer).send({ a: 1 })
    expect(post.status).toBe(201)
    expect(post.body).toEqual({ id: "t2", body: { a: 1 } })
    expect((await request(fx.app).delete("/admin/things/t3").set("Authorization", bearer)).body).toEqual({ deleted: "t3" })
    const nested = await request(fx.app).put("/admin/things/t4/notes/n5").set("Authorization", bearer)
    expect(nested.body).toEqual({ id: "t4", noteId: "n5" })
    expect((await request(fx.app).patch("/admin/things/t4/notes/n6").set("Authorization", bearer)).body).toEqual({ patched: "n6" })
  })

  it("matches a static folder before a parameter folder beside it", async () => {
    const res = await request(fx.app).get("/admin/things/export").set("Authorization", bearer)
    expect(res.body).toEqual({ export: true })
  })

  it("answers 404 for a method the route file does not export", async () => {
    const res = await request(fx.app).delete("/admin/seed-js").set("Authorization", bearer)
    expect(res.status).toBe(404)
  })

  it("lets an app route override a built-in one, for the methods it exports", async () => {
    const get = await request(fx.app).get("/admin/sales-channels").set("Authorization", bearer)
    expect(get.body).toEqual({ overridden: true })
    const post = await request(fx.app).post("/admin/sales-channels").set("Authorization", bearer).send({ name: "Still built in" })
    expect(post.body.sales_channel.name).toBe("Still built in")
  })

  it("gives app routes under /store the publishable key context", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "store", type: "publishable", created_by: "test" })
    expect((await request(fx.app).get("/store/hello")).status).toBe(400)
    const res = await request(fx.app).get("/store/hello").set("x-publishable-api-key", key.token)
    expect(res.body).toEqual({ context: { key: key.token, sales_channel_ids: [] } })
  })

  it("serves routes outside /admin and /store without credentials, with qs-parsed queries", async () => {
    const res = await request(fx.app).get("/hooks/ping?filter[status]=open&tags[]=a&tags[]=b")
    expect(res.body).toEqual({ pong: true, query: { filter: { status: "open" }, tags: ["a", "b"] } })
  })

  it("prefers compiled route.js over route.ts in the same folder, and ignores other files and hidden folders", async () => {
    expect((await request(fx.app).get("/both")).body).toEqual({ from: "js" })
    expect(fx.app.fileRoutes.map((r) => r.path)).not.toContain("/.hidden")
  })

  it("lists what it mounted", () => {
    expect(fx.app.fileRoutes.map((r) => `${r.methods.join(",")} ${r.path}`)).toEqual(
      expect.arrayContaining(["GET /admin/seed-ts", "GET,POST,DELETE /admin/things/:id", "PUT,PATCH /admin/things/:id/notes/:noteId"])
    )
  })
})

describe("route files that cannot be served", () => {
  const attempt = (files: Record<string, string>) => {
    const directory = writeAppApi(files)
    try {
      return () => createApp({ container: fx.medusa.container, directory })
    } finally {
      setImmediate(() => rmSync(directory, { recursive: true, force: true }))
    }
  }

  it("refuses a route file without handlers, saying what to export", () => {
    expect(attempt({ "admin/empty/route.js": "exports.helper = () => 1" })).toThrow(/exports no handler: export async function GET/)
  })

  it("refuses a folder name express cannot route", () => {
    expect(attempt({ "admin/(group)/route.js": "exports.GET = (req, res) => res.json({})" })).toThrow(/Unsupported route folder "\(group\)"/)
  })

  it("reports a route file that fails to load, naming it", () => {
    expect(attempt({ "admin/broken/route.js": "exports.GET = (" })).toThrow(/Could not load route file .*broken.*route\.js/)
  })
})
