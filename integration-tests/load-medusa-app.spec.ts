import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import * as entry from "../src"
import { ApiKeyModuleService, loadMedusaApp, MedusaError, ModuleRegistrationName, Modules, runMigrations } from "../src"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"

const SRC = path.resolve(__dirname, "../src")

function appDirectory(config: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "medusa-app-"))
  writeFileSync(path.join(dir, "medusa-config.js"), config)
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), content)
  }
  return dir
}

async function connectionsTo(db: TestDatabase): Promise<number> {
  const [row] = await queryDatabase(db.url, "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [db.name])
  return row.n
}

describe("loadMedusaApp", () => {
  let db: TestDatabase
  const dirs: string[] = []
  const dir = (config: string, files?: Record<string, string>) => {
    const d = appDirectory(config, files)
    dirs.push(d)
    return d
  }

  beforeAll(async () => {
    db = await createTestDatabase("app")
    await runMigrations({ options: { database: { clientUrl: db.url } } })
  })
  afterAll(async () => {
    await db.drop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it("exposes the module and the host from the package entry", () => {
    expect(entry.default).toEqual(expect.objectContaining({ name: "api_key", service: ApiKeyModuleService }))
    for (const name of ["initialize", "runMigrations", "revertMigration", "ApiKeyModuleService", "ApiKeyType", "Modules", "ModuleRegistrationName", "MedusaError", "loadMedusaApp"]) {
      expect(entry).toHaveProperty(name)
    }
    // Current Medusa's name, and the seed era's: the host registers the service under both.
    expect(Modules.API_KEY).toBe("api_key")
    expect(ModuleRegistrationName.API_KEY).toBe("apiKey")
  })

  it("loads medusa-config.js and resolves the service by ModuleRegistrationName.API_KEY", async () => {
    const directory = dir(`module.exports = {
      projectConfig: { databaseUrl: ${JSON.stringify(db.url)} },
      modules: { apiKey: { resolve: "@medusajs/api-key", options: { scrypt: { logN: 10 } } } },
    }`)
    const app = await loadMedusaApp({ directory })
    try {
      const service = app.container.resolve<ApiKeyModuleService>(ModuleRegistrationName.API_KEY)
      expect(service).toBeInstanceOf(ApiKeyModuleService)
      // Both eras' names resolve the same service.
      expect(app.container.resolve(Modules.API_KEY)).toBe(service)
      const key = await service.create({ title: "from config", type: "secret", created_by: "u" })
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
    } finally {
      await app.shutdown()
    }
  })

  it("accepts the array form and a relative path to the module", async () => {
    const directory = dir(
      `module.exports = {
        projectConfig: { databaseUrl: ${JSON.stringify(db.url)} },
        modules: [{ resolve: "./modules/api-key", options: { scrypt: { logN: 10 } } }],
      }`,
      { "modules/api-key/index.js": `module.exports = require(${JSON.stringify(SRC)})` }
    )
    const app = await loadMedusaApp({ directory })
    try {
      expect(await app.container.resolve<ApiKeyModuleService>(Modules.API_KEY).list({}, { take: 1 })).toEqual(expect.any(Array))
    } finally {
      await app.shutdown()
    }
  })

  it("resolves an installed package by name from the app directory", async () => {
    const directory = dir(
      `module.exports = {
        projectConfig: { databaseUrl: ${JSON.stringify(db.url)} },
        modules: { apiKey: { resolve: "my-api-key-module" } },
      }`,
      {
        "node_modules/my-api-key-module/package.json": JSON.stringify({ name: "my-api-key-module", main: "main.js" }),
        "node_modules/my-api-key-module/main.js": `module.exports = require(${JSON.stringify(SRC)})`,
      }
    )
    const app = await loadMedusaApp({ directory })
    await app.shutdown()
    // The event bus is loaded by default (the local one without Redis), as Medusa loads it.
    expect(Object.keys(app.modules)).toEqual(["event_bus", "apiKey"])
  })

  it("keeps each module's internal registrations out of the app container", async () => {
    const directory = dir(`module.exports = { projectConfig: { databaseUrl: ${JSON.stringify(db.url)} }, modules: { apiKey: true } }`)
    const app = await loadMedusaApp({ directory })
    try {
      expect(app.container.hasRegistration("apiKey")).toBe(true)
      expect(app.container.hasRegistration("apiKeyRepository")).toBe(false)
      expect(app.container.hasRegistration("orm")).toBe(false)
      expect(app.modules.apiKey.container.hasRegistration("apiKeyRepository")).toBe(true)
    } finally {
      await app.shutdown()
    }
  })

  it("closes every connection on shutdown", async () => {
    const directory = dir(`module.exports = { projectConfig: { databaseUrl: ${JSON.stringify(db.url)} }, modules: { apiKey: {} } }`)
    const before = await connectionsTo(db)
    const app = await loadMedusaApp({ directory })
    await app.container.resolve<ApiKeyModuleService>("apiKey").list()
    expect(await connectionsTo(db)).toBeGreaterThan(before)
    await app.shutdown()
    // pg closes sockets asynchronously on the server side; give it a moment.
    for (let i = 0; i < 20 && (await connectionsTo(db)) > before; i++) await new Promise((r) => setTimeout(r, 50))
    expect(await connectionsTo(db)).toBe(before)
  })

  it.each([
    ["an unknown module", `{ modules: { apiKye: {} } }`, /Unknown module apiKye in medusa-config\.js/],
    ["a path that does not exist", `{ modules: { apiKey: { resolve: "./nowhere" } } }`, /Cannot resolve module "\.\/nowhere" from/],
    ["a file that is not a module", `{ modules: { apiKey: { resolve: "./not-a-module.js" } } }`, /does not export a module definition/],
    ["a missing database URL", `{ modules: { apiKey: {} } }`, /Could not load module apiKey .*needs a database connection/],
    [
      "an unreachable database",
      `{ projectConfig: { databaseUrl: "postgres://postgres@127.0.0.1:1/nowhere" }, modules: { apiKey: {} } }`,
      /Could not load module apiKey \(api_key\): Could not connect to the database at postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere/,
    ],
    ["bad module options", `{ projectConfig: { databaseUrl: "postgres://x@127.0.0.1:1/x" }, modules: { apiKey: { options: { scrypt: { logN: 3 } } } } }`, /scrypt\.logN must be/],
    [
      "a misspelt option",
      `{ projectConfig: { databaseUrl: "postgres://x@127.0.0.1:1/x" }, modules: { apiKey: { options: { secretKeyLimits: { max: 1, per: "store" } } } } }`,
      /Unknown option secretKeyLimits: the module takes database, scrypt, secretKeyLimit/,
    ],
    [
      "a misspelt nested option",
      `{ projectConfig: { databaseUrl: "postgres://x@127.0.0.1:1/x" }, modules: { apiKey: { options: { authCache: { ttl: 5 } } } } }`,
      /Unknown option authCache\.ttl: authCache takes max, ttlMs, negativeTtlMs, propagationMs/,
    ],
  ])("explains %s", async (_label, config, message) => {
    const directory = dir(`module.exports = ${config}`, { "not-a-module.js": "module.exports = { hello: 1 }" })
    const error = await loadMedusaApp({ directory }).catch((e) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect(error.message).toMatch(message)
  })

  it("explains a directory without medusa-config.js", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "medusa-empty-"))
    dirs.push(empty)
    await expect(loadMedusaApp({ directory: empty })).rejects.toThrow(/No medusa-config\.js in/)
  })
})
