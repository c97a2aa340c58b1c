import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import request from "supertest"
import { acquireEmbeddedDatabase, type EmbeddedDatabase } from "../src/cli/embedded-postgres"
import { createApp } from "../src/http"
import { loadMedusaApp, runAppMigrations, type MedusaApp } from "../src/medusa-app"
import { Modules, type IApiKeyModuleService } from "../src"
import { basicAuth, testConfig } from "./setup/http"
import { freePort } from "./setup/ports"

/**
 * PostgreSQL stopped under load, on a server of this test's own (never the shared one): clients
 * get a fast 503 they can retry, /health says the database is down, and once it is back the
 * same process serves again and every write it acknowledged is there.
 */


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let dataRoot: string
let port: number
let database: EmbeddedDatabase | undefined
let medusa: MedusaApp
let app: ReturnType<typeof createApp>
let adminToken: string
const logged: string[] = []

const start = () => acquireEmbeddedDatabase({ dataRoot, port, log: () => undefined }, "server")

beforeAll(async () => {
  dataRoot = mkdtempSync(path.join(tmpdir(), "api-key-outage-"))
  // The database runs as the "postgres" user when the tests run as root: it must reach the folder.
  chmodSync(dataRoot, 0o755)
  port = await freePort()
  database = await start()
  const config = testConfig(database.url)
  await runAppMigrations(config, process.cwd(), database.url)
  medusa = await loadMedusaApp({ config })
  app = createApp({ container: medusa.container, logger: { info: () => undefined, error: (m) => logged.push(m) } })
  const service = medusa.container.resolve<IApiKeyModuleService>(Modules.API_KEY)
  adminToken = (await service.createApiKeys({ title: "admin", type: "secret", created_by: "test" })).token
}, 120_000)

afterAll(async () => {
  await medusa?.shutdown()
  await database?.release()
  rmSync(dataRoot, { recursive: true, force: true })
}, 60_000)

it("answers 503 with Retry-After while PostgreSQL is down, then recovers without a restart and loses no acknowledged write", async () => {
  const auth = basicAuth(adminToken)
  const acknowledged: string[] = []
  /** Anything but a 200 or a 503 during the outage (status and body), to be reported at the end. */
  const unexpected: unknown[] = []
  let stopLoad = false
  // Four clients creating keys until told to stop; every 200 is a write the server acknowledged.
  const load = Array.from({ length: 4 }, async (_, client) => {
    for (let i = 0; !stopLoad && i < 10_000; i++) {
      const res = await request(app).post("/admin/api-keys").set("Authorization", auth).send({ title: `load ${client}-${i}`, type: "publishable" })
      if (res.status === 200) acknowledged.push(res.body.api_key.id)
      else if (res.status !== 503) unexpected.push({ status: res.status, body: res.body })
      if (res.status === 503) await sleep(50)
    }
  })

  await sleep(500)
  await database!.release()
  database = undefined

  const started = Date.now()
  const list = await request(app).get("/admin/api-keys").set("Authorization", auth)
  expect(list.status).toBe(503)
  expect(list.body).toEqual({ type: "service_unavailable", message: "The database is unreachable at the moment; retry in a few seconds" })
  expect(list.headers["retry-after"]).toBe("5")
  expect(Date.now() - started).toBeLessThan(8_000)
  const health = await request(app).get("/health")
  expect(health.status).toBe(503)
  expect(health.body).toEqual({ status: "degraded", database: "down" })

  database = await start()
  const deadline = Date.now() + 30_000
  while ((await request(app).get("/health")).status !== 200) {
    if (Date.now() > deadline) throw new Error("the server did not recover within 30 s")
    await sleep(200)
  }
  stopLoad = true
  await Promise.all(load)
  const serverErrors = logged.filter((line) => !line.startsWith("The database is unreachable"))
  expect({ unexpected, serverErrors }).toEqual({ unexpected: [], serverErrors: [] })

  expect((await request(app).get("/admin/api-keys?limit=1").set("Authorization", auth)).status).toBe(200)
  expect(acknowledged.length).toBeGreaterThan(0)
  const service = medusa.container.resolve<IApiKeyModuleService>(Modules.API_KEY)
  const stored = new Set((await service.listApiKeys({ id: acknowledged }, { select: ["id"] })).map((k) => k.id))
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([])
  // An outage is not a bug: one line says so, with no stack trace.
  expect(logged).toEqual(["The database is unreachable: answering 503 with Retry-After 5 until it is back"])
}, 120_000)
