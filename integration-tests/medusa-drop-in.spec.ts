import { spawnSync } from "node:child_process"
import path from "node:path"
import { knex } from "@mikro-orm/postgresql"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"
import { FAST_SCRYPT } from "./setup/module"

/**
 * The package under Medusa's own module loader, as a Medusa v2 store would run it: the published
 * @medusajs/framework 2.21.2 (a pinned dev dependency) migrates it the way `medusa db:migrate` does
 * (MedusaAppMigrateUp), boots it the way a Medusa app does (MedusaApp), and the store's code calls
 * it. Then a database first prepared by Medusa's own @medusajs/api-key 2.21.2 is switched to this
 * module in place.
 */

const ROOT = path.resolve(__dirname, "..")
/** This package, as `resolve` in medusa-config would name it (Medusa loads its entry). */
const THIS_MODULE = path.join(ROOT, "src")
/** Medusa's own module, installed under an alias so it never shadows this package's name. */
const MEDUSA_MODULE = path.join(ROOT, "node_modules", "medusa-original-api-key")

type MedusaModulesSdk = {
  MedusaApp(config: Record<string, unknown>): Promise<any>
  MedusaAppMigrateUp(config: Record<string, unknown>): Promise<void>
  MedusaAppMigrateDown(modules: string[], config: Record<string, unknown>): Promise<void>
  MedusaModule: { clearInstances(): void }
}

let sdk: MedusaModulesSdk | undefined
let unavailable = ""
try {
  sdk = require("@medusajs/framework/modules-sdk")
} catch (error) {
  unavailable = error instanceof Error ? error.message.split("\n")[0] : String(error)
}
const suite = sdk ? describe : describe.skip
if (!sdk) process.stderr.write(`[tests] @medusajs/framework could not be loaded (${unavailable}): the Medusa drop-in suite is skipped\n`)

/** What Medusa's event bus receives; Medusa injects its own, a test injects this. */
class RecordingEventBus {
  readonly events: { name: string; data: unknown; metadata: unknown }[] = []
  async emit(messages: unknown, _options?: unknown) {
    this.events.push(...((Array.isArray(messages) ? messages : [messages]) as RecordingEventBus["events"]))
  }
  subscribe() {
    return this
  }
  unsubscribe() {
    return this
  }
  async releaseGroupedEvents() {}
  async clearGroupedEvents() {}
}

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, log: () => undefined }

/** The app's shared connection, as a Medusa app creates it and hands to every module (one per test, closed after it). */
let pgConnection: ReturnType<typeof knex>

function medusaConfig(resolve: string, clientUrl: string, injected: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
  return {
    // Medusa's own key for the module (Modules.API_KEY): this package replaces Medusa's module.
    modulesConfig: { api_key: { resolve, options } },
    sharedResourcesConfig: { database: { clientUrl } },
    injectedDependencies: { logger: quietLogger, __pg_connection__: pgConnection, ...injected },
    cwd: ROOT,
  }
}

async function connectionsTo(database: TestDatabase): Promise<number> {
  const [row] = await queryDatabase(process.env.DATABASE_URL!, "select count(*)::int as n from pg_stat_activity where datname = $1", [database.name])
  return row.n
}

suite("under Medusa's own module loader (@medusajs/framework 2.21.2)", () => {
  let database: TestDatabase
  // Medusa's loader writes its progress and a note that a bare framework has no link modules
  // straight to the console; the assertions below are what matters.
  beforeAll(() => {
    jest.spyOn(console, "warn").mockImplementation(() => undefined)
    jest.spyOn(console, "log").mockImplementation(() => undefined)
  })
  afterAll(() => jest.restoreAllMocks())
  beforeEach(async () => {
    database = await createTestDatabase("medusa")
    pgConnection = knex({ client: "pg", connection: database.url, pool: { min: 0, max: 4 } })
  })
  afterEach(async () => {
    sdk!.MedusaModule.clearInstances()
    await pgConnection.destroy()
    await database.drop()
  })

  const tables = async () =>
    (await queryDatabase(database.url, "select table_name from information_schema.tables where table_schema = 'public' order by 1")).map((r) => r.table_name)

  it("migrates with MedusaAppMigrateUp, boots, serves the store's calls and Query, emits Medusa's events, and shuts down cleanly", async () => {
    const { MedusaApp, MedusaAppMigrateUp } = sdk!
    await MedusaAppMigrateUp(medusaConfig(THIS_MODULE, database.url))
    expect(await tables()).toEqual(expect.arrayContaining(["api_key", "api_key_migrations"]))

    const bus = new RecordingEventBus()
    const app = await MedusaApp(medusaConfig(THIS_MODULE, database.url, { event_bus: bus }, { scrypt: FAST_SCRYPT }))
    const service = app.modules.api_key
    // Medusa's loader keeps the module's joiner config, under Medusa's own key for the module.
    const joinerConfig = typeof service.__joinerConfig === "function" ? service.__joinerConfig() : service.__joinerConfig
    expect(joinerConfig).toEqual(expect.objectContaining({ serviceName: "api_key", primaryKeys: ["id"] }))

    const [publishable, secret] = await service.createApiKeys([
      { title: "Storefront", type: "publishable", created_by: "user_1" },
      { title: "Admin", type: "secret", created_by: "user_1" },
    ])
    expect(secret.token).toMatch(/^sk_[0-9a-f]{64}$/)
    expect((await service.listApiKeys({}, { order: { title: "ASC" } })).map((k: any) => [k.title, k.token])).toEqual([
      ["Admin", ""],
      ["Storefront", publishable.token],
    ])
    expect(await service.authenticate(secret.token)).toEqual(expect.objectContaining({ id: secret.id }))
    // The options were given their defaults inside the module: the verification cache works.
    const verified = service.authenticationStats().scrypt.verifications
    expect(await service.authenticate(secret.token)).toEqual(expect.objectContaining({ id: secret.id }))
    expect(service.authenticationStats().scrypt.verifications).toBe(verified)

    const { data, metadata } = await app.query.graph({ entity: "api_key", fields: ["id", "title"], filters: { type: "publishable" }, pagination: { skip: 0, take: 10 } })
    expect(data).toEqual([expect.objectContaining({ id: publishable.id, title: "Storefront" })])
    expect(metadata).toEqual(expect.objectContaining({ count: 1 }))

    await service.revoke(secret.id, { revoked_by: "user_1" })
    expect(await service.authenticate(secret.token)).toBe(false)
    await service.revoke(publishable.id, { revoked_by: "user_1" })
    await service.deleteApiKeys([secret.id, publishable.id])
    expect(await service.listApiKeys()).toEqual([])

    await new Promise((resolve) => setImmediate(resolve))
    expect(bus.events.map((e) => e.name)).toEqual([
      "api_key.api-key.created",
      "api_key.api-key.created",
      "api_key.api-key.updated",
      "api_key.api-key.updated",
      "api_key.api-key.deleted",
      "api_key.api-key.deleted",
    ])
    expect(bus.events[0]).toEqual(expect.objectContaining({ data: { id: publishable.id } }))

    // Medusa lent the module its shared connection: the only session the module opened itself is
    // the change feed's LISTEN (its own pool would show up as "medusa-module").
    const sessions = await queryDatabase(process.env.DATABASE_URL!, "select application_name from pg_stat_activity where datname = $1", [database.name])
    expect(sessions.filter((s) => s.application_name === "medusa-module")).toEqual([])
    expect(sessions.filter((s) => s.application_name === "medusa-change-feed")).toHaveLength(1)

    await app.onApplicationShutdown()
    // The module left the lent connection to its owner, and closed everything of its own.
    expect(await pgConnection.raw("select 1")).toBeTruthy()
    await pgConnection.destroy()
    expect(await connectionsTo(database)).toBe(0)
    pgConnection = knex({ client: "pg", connection: database.url })
  })

  it("reverts the newest migration with MedusaAppMigrateDown, as `medusa db:rollback api_key` does", async () => {
    const { MedusaAppMigrateUp, MedusaAppMigrateDown } = sdk!
    await MedusaAppMigrateUp(medusaConfig(THIS_MODULE, database.url))
    const applied = (await queryDatabase(database.url, "select name from api_key_migrations order by id")).map((r) => r.name)
    await MedusaAppMigrateDown(["api_key"], medusaConfig(THIS_MODULE, database.url))
    const left = (await queryDatabase(database.url, "select name from api_key_migrations order by id")).map((r) => r.name)
    expect(left).toEqual(applied.slice(0, -1))
  })

  it("takes over a database Medusa's own api key module prepared: its keys keep working", async () => {
    const { MedusaApp, MedusaAppMigrateUp } = sdk!
    // A store running Medusa's own module (in a plain node process: Medusa's migrator imports its
    // migration files dynamically, which jest's CommonJS runtime cannot) …
    const own = spawnSync(process.execPath, [path.join(__dirname, "fixtures", "medusa-own-module.js")], {
      env: { ...process.env, MEDUSA_DATABASE_URL: database.url },
      encoding: "utf8",
      timeout: 60_000,
    })
    // (Medusa's loader notes on stderr that a bare framework has no link modules; not an error.)
    const result = own.stdout.split("\n").find((line) => line.startsWith("RESULT "))
    expect({ status: own.status, result: !!result }).toEqual({ status: 0, result: true })
    const { storefront, admin } = JSON.parse(result!.slice("RESULT ".length))
    expect(await tables()).toEqual(expect.arrayContaining(["api_key", "mikro_orm_migrations"]))

    // … points medusa-config at this package, runs db:migrate and boots.
    await MedusaAppMigrateUp(medusaConfig(THIS_MODULE, database.url))
    const app = await MedusaApp(medusaConfig(THIS_MODULE, database.url, { event_bus: new RecordingEventBus() }, { scrypt: FAST_SCRYPT }))
    const service = app.modules.api_key
    try {
      expect(await service.authenticate(admin.token)).toEqual(expect.objectContaining({ id: admin.id, title: "Admin" }))
      expect(await service.retrieveApiKey(storefront.id)).toEqual(expect.objectContaining({ token: storefront.token, type: "publishable" }))
      expect((await service.retrieveApiKey(admin.id)).token).toBe("")
      // The key got its lookup digest; its hash stays in Medusa's format, so Medusa can still read it.
      const [row] = await queryDatabase(database.url, "select token, token_lookup from api_key where id = $1", [admin.id])
      expect(row.token_lookup).toMatch(/^[0-9a-f]{64}$/)
      expect(row.token).toMatch(/^[0-9a-f]{128}$/)
    } finally {
      await app.onApplicationShutdown()
    }
  })

  it("goes back to Medusa's own module: with hashFormat \"medusa\" and this module's migrations reverted, every secret key still works there", async () => {
    const { MedusaApp, MedusaAppMigrateUp, MedusaAppMigrateDown } = sdk!
    const runMedusaOwn = (env: Record<string, string> = {}) => {
      const run = spawnSync(process.execPath, [path.join(__dirname, "fixtures", "medusa-own-module.js")], {
        env: { ...process.env, MEDUSA_DATABASE_URL: database.url, ...env },
        encoding: "utf8",
        timeout: 60_000,
      })
      const result = run.stdout.split("\n").find((line) => line.startsWith("RESULT "))
      expect({ status: run.status, result: !!result, stderr: run.status === 0 ? "" : run.stderr }).toEqual({ status: 0, result: true, stderr: "" })
      return JSON.parse(result!.slice("RESULT ".length))
    }
    const { admin } = runMedusaOwn()

    // The store tries this module, with Medusa's hash format for the keys it makes …
    await MedusaAppMigrateUp(medusaConfig(THIS_MODULE, database.url))
    const app = await MedusaApp(medusaConfig(THIS_MODULE, database.url, { event_bus: new RecordingEventBus() }, { hashFormat: "medusa" }))
    let ours: { id: string; token: string }
    try {
      const service = app.modules.api_key
      expect(await service.authenticate(admin.token)).toEqual(expect.objectContaining({ id: admin.id }))
      ours = await service.createApiKeys({ title: "Made here", type: "secret", created_by: "user_1" })
      expect(await service.authenticate(ours.token)).toEqual(expect.objectContaining({ id: ours.id }))
      const [row] = await queryDatabase(database.url, "select token, salt from api_key where id = $1", [ours.id])
      expect(row).toEqual({ token: expect.stringMatching(/^[0-9a-f]{128}$/), salt: expect.stringMatching(/^[0-9a-f]{32}$/) })
    } finally {
      await app.onApplicationShutdown()
    }

    // … then goes back: `medusa db:rollback api_key`, three times, reverts this module's migrations
    // after Medusa's table (each run reverts the newest one): the least-privilege columns, the key
    // history, then the lookup digest …
    await MedusaAppMigrateDown(["api_key"], medusaConfig(THIS_MODULE, database.url))
    await MedusaAppMigrateDown(["api_key"], medusaConfig(THIS_MODULE, database.url))
    expect(await tables()).not.toContain("api_key_history")
    await MedusaAppMigrateDown(["api_key"], medusaConfig(THIS_MODULE, database.url))
    const columns = (await queryDatabase(database.url, "select column_name from information_schema.columns where table_name = 'api_key'")).map((r) => r.column_name)
    expect(columns).not.toContain("token_lookup")

    // … and Medusa's own module authenticates both the key it made and the one made here.
    expect(runMedusaOwn({ AUTHENTICATE: JSON.stringify([admin.token, ours!.token, "sk_" + "0".repeat(64)]) })).toEqual([admin.id, ours!.id, null])
  })
})
