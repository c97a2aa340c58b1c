import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import {
  LocalEventBusService,
  loadMedusaApp,
  MedusaError,
  Modules,
  RedisEventBusService,
  runAppMigrations,
  type ApiKeyModuleService,
  type IEventBusModuleService,
  type MedusaApp,
  type MedusaConfig,
} from "../src"
import { createStep, createWorkflow, WorkflowResponse } from "../src/framework/workflows-sdk"
import { createApiKeysStep, createApiKeysWorkflow } from "../src/workflows"
import { writeAppSubscribers } from "./setup/app-folder"
import { createTestDatabase, type TestDatabase } from "./setup/database"
import { assertRedisAnswers, eventually, pendingDeliveries, recordEvents, redisUrl, removeQueue, sleep, uniquePrefix } from "./setup/events"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { FAST_SCRYPT } from "./setup/module"
import { freePort } from "./setup/ports"

/**
 * The Redis event bus on the machine's Redis (REDIS_URL): module events through BullMQ, retries
 * with backoff, grouped workflow events, and an app on two servers (two OS processes on one
 * database and one Redis): each subscriber handles each event once per app, an event emitted while
 * no server runs is handled when one starts, and a handler killed midway runs again.
 */

let database: TestDatabase
const prefixes: string[] = []
const folders: string[] = []
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** An app config on the test database and Redis, with a queue prefix of its own. */
function redisConfig(prefix: string, eventBusOptions: Record<string, unknown> = {}): MedusaConfig {
  return {
    projectConfig: { databaseUrl: database.url, redisUrl: redisUrl() },
    modules: {
      apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT } },
      salesChannel: { resolve: "@medusajs/sales-channel" },
      eventBus: {
        resolve: "@medusajs/event-bus-redis",
        options: {
          queueOptions: { prefix },
          // A killed handler's job is taken again within about 3 s instead of 30.
          workerOptions: { lockDuration: 2000, stalledInterval: 1000 },
          jobOptions: { backoff: { type: "exponential", delay: 200 } },
          ...eventBusOptions,
        },
      },
    },
  }
}

function newPrefix(name: string): string {
  const prefix = uniquePrefix(name)
  prefixes.push(prefix)
  return prefix
}

let redisAnswers = false

beforeAll(async () => {
  await assertRedisAnswers()
  redisAnswers = true
  database = await createTestDatabase("events_redis")
  await runAppMigrations(redisConfig("unused"), process.cwd(), database.url)
})
afterAll(async () => {
  if (redisAnswers) for (const prefix of prefixes) await removeQueue(prefix).catch(() => undefined)
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
  await database?.drop()
})

describe("choosing the event bus", () => {
  it("is the Redis one when projectConfig.redisUrl is set, unless medusa-config.js names another", async () => {
    const base = { databaseUrl: database.url, redisUrl: redisUrl() }
    const withRedis = await loadMedusaApp({ config: { projectConfig: base, modules: { apiKey: { resolve: "@medusajs/api-key" } } }, logger: silent })
    const local = await loadMedusaApp({
      config: { projectConfig: base, modules: { apiKey: { resolve: "@medusajs/api-key" }, eventBus: { resolve: "@medusajs/event-bus-local" } } },
      logger: silent,
    })
    try {
      expect(withRedis.container.resolve(Modules.EVENT_BUS)).toBeInstanceOf(RedisEventBusService)
      expect(local.container.resolve(Modules.EVENT_BUS)).toBeInstanceOf(LocalEventBusService)
    } finally {
      await withRedis.shutdown()
      await local.shutdown()
    }
  })

  it("says what to set when the Redis event bus has no URL, and refuses unknown options", async () => {
    const modules = { eventBus: { resolve: "@medusajs/event-bus-redis" } }
    await expect(loadMedusaApp({ config: { projectConfig: { databaseUrl: database.url }, modules }, logger: silent })).rejects.toThrow(
      /The Redis event bus needs a Redis URL: set projectConfig.redisUrl in medusa-config.js/
    )
    const typo = { eventBus: { resolve: "@medusajs/event-bus-redis", options: { redisURL: "redis://x" } } }
    await expect(loadMedusaApp({ config: { projectConfig: { databaseUrl: database.url, redisUrl: redisUrl() }, modules: typo }, logger: silent })).rejects.toThrow(
      /Unknown option redisURL/
    )
  })
})

describe("one server", () => {
  let app: MedusaApp
  let apiKeys: ApiKeyModuleService
  let bus: IEventBusModuleService
  let prefix: string
  const logged: string[] = []

  beforeAll(async () => {
    prefix = newPrefix("one")
    app = await loadMedusaApp({ config: redisConfig(prefix), logger: { ...silent, error: (m: string) => void logged.push(m) } })
    apiKeys = app.container.resolve(Modules.API_KEY)
    bus = app.container.resolve(Modules.EVENT_BUS)
  })
  afterAll(async () => {
    await app?.shutdown()
  })

  it("delivers module events through Redis with Medusa's names and payloads", async () => {
    const recorder = recordEvents(bus, "recorder-one")
    try {
      const key = await apiKeys.createApiKeys({ title: "via redis", type: "secret", created_by: "u" })
      await apiKeys.revoke(key.id)
      await apiKeys.deleteApiKeys(key.id)
      expect(await recorder.waitFor(3, 10_000)).toBe(true)
      expect(recorder.events.map((e) => [e.name, e.data, e.metadata])).toEqual(
        expect.arrayContaining([
          ["api_key.api-key.created", { id: key.id }, { source: "api_key", object: "api_key", action: "created" }],
          ["api_key.api-key.updated", { id: key.id }, { source: "api_key", object: "api_key", action: "updated" }],
          ["api_key.api-key.deleted", { id: key.id }, { source: "api_key", object: "api_key", action: "deleted" }],
        ])
      )
      expect(recorder.events).toHaveLength(3)
      expect(JSON.stringify(recorder.events)).not.toContain(key.token)
    } finally {
      bus.unsubscribe("*", () => undefined, { subscriberId: "recorder-one" })
    }
  })

  it("retries a failing subscriber with backoff until it succeeds, without running the others again", async () => {
    const attempts: number[] = []
    const others: unknown[] = []
    const flaky = async () => {
      attempts.push(Date.now())
      if (attempts.length < 3) throw new Error("gateway down")
    }
    const steady = async (event: unknown) => void others.push(event)
    bus.subscribe("api_key.api-key.created", flaky, { subscriberId: "flaky-gateway" })
    bus.subscribe("api_key.api-key.created", steady, { subscriberId: "steady" })
    try {
      logged.length = 0
      await apiKeys.createApiKeys({ title: "retried", type: "publishable", created_by: "u" })
      expect(await eventually(() => attempts.length === 3, 15_000)).toBe(true)
      await sleep(300)
      expect(attempts).toHaveLength(3)
      expect(others).toHaveLength(1)
      // Exponential backoff from 200 ms: about 200 ms, then about 400 ms.
      expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(150)
      expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(350)
      expect(logged.join("\n")).toContain("Subscriber flaky-gateway failed on api_key.api-key.created (attempt 1 of 5): Error: gateway down")
      expect(await pendingDeliveries(prefix)).toBe(0)
    } finally {
      bus.unsubscribe("api_key.api-key.created", flaky)
      bus.unsubscribe("api_key.api-key.created", steady)
    }
  })

  it("hands the events of a change to Redis before a command that made it shuts down", async () => {
    const commandPrefix = newPrefix("command")
    const command = await loadMedusaApp({ config: redisConfig(commandPrefix), workerMode: "server", logger: silent })
    command.container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).subscribe("api_key.api-key.created", async () => undefined, { subscriberId: "on-a-server" })
    await command.container.resolve<ApiKeyModuleService>(Modules.API_KEY).createApiKeys({ title: "from the CLI", type: "publishable", created_by: "u" })
    await command.shutdown()
    expect(await pendingDeliveries(commandPrefix)).toBe(1)
  })

  it("needs a subscriberId: every server must address a delivery to the same subscriber", () => {
    let error: unknown
    try {
      bus.subscribe("api_key.api-key.created", async () => undefined)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as Error).message).toBe(
      'The Redis event bus addresses each delivery to a subscriberId that every server shares: subscribe("api_key.api-key.created", handler, { subscriberId: "my-subscriber" })'
    )
  })

  it("sends a workflow's events when it succeeds and none when it is compensated", async () => {
    const recorder = recordEvents(bus, "recorder-workflows")
    try {
      const fail = createStep({ name: "fail-on-redis", noCompensation: true }, async () => {
        throw new Error("failed on purpose")
      })
      const failing = createWorkflow("create-then-fail-on-redis", () => {
        createApiKeysStep({ api_keys: [{ title: "compensated", type: "publishable", created_by: "wf" }] })
        fail()
        return new WorkflowResponse(undefined)
      })
      await expect(failing(app.container).run()).rejects.toThrow("failed on purpose")
      expect(await pendingDeliveries(prefix)).toBe(0)
      const { result } = await createApiKeysWorkflow(app.container).run({ input: { api_keys: [{ title: "kept", type: "publishable", created_by: "wf" }] } })
      expect(await recorder.waitFor(1, 10_000)).toBe(true)
      await sleep(500)
      expect(recorder.events.map((e) => [e.name, e.data])).toEqual([["api_key.api-key.created", { id: result[0].id }]])
    } finally {
      bus.unsubscribe("*", () => undefined, { subscriberId: "recorder-workflows" })
    }
  })
})

describe("while Redis is unreachable", () => {
  /** A Redis of this test's own (the machine's shared one is never stopped), on `port`. */
  async function startOwnRedis(port: number, dir: string): Promise<ChildProcess> {
    const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" })
    const up = await eventually(() => assertRedisAnswers(`redis://127.0.0.1:${port}`).then(() => true, () => false), 10_000)
    if (!up) throw new Error(`redis-server did not start on port ${port}`)
    return server
  }
  const stop = (server: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve()
      server.once("exit", () => resolve())
      server.kill("SIGTERM")
    })

  it("keeps the app serving, logs the error with the password masked, and still shuts down at once", async () => {
    const logged: string[] = []
    const port = await freePort()
    // Only the event bus is pointed at the unreachable Redis (the change feed keeps the shared one).
    const config = redisConfig(newPrefix("down"), { redisUrl: `redis://events:s3cret-pass@127.0.0.1:${port}` })
    const app = await loadMedusaApp({ config, logger: { ...silent, error: (m: string) => void logged.push(m) } })
    const bus: IEventBusModuleService = app.container.resolve(Modules.EVENT_BUS)
    bus.subscribe("api_key.api-key.created", async () => undefined, { subscriberId: "unreached" })
    const key = await app.container.resolve<ApiKeyModuleService>(Modules.API_KEY).createApiKeys({ title: "served", type: "publishable", created_by: "u" })
    expect(key.id).toMatch(/^apk_/)
    expect(await eventually(() => logged.length > 0, 10_000)).toBe(true)
    expect(logged[0]).toContain(`The Redis event bus cannot reach redis://events:***@127.0.0.1:${port}`)
    expect(logged.join("\n")).not.toContain("s3cret-pass")
    const started = Date.now()
    await app.shutdown()
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it("sends the events of changes made while Redis was down once it is back", async () => {
    const port = await freePort()
    const dir = mkdtempSync(path.join(tmpdir(), "api-key-redis-"))
    folders.push(dir)
    let redis = await startOwnRedis(port, dir)
    const config = redisConfig("own-redis", { redisUrl: `redis://127.0.0.1:${port}` })
    const app = await loadMedusaApp({ config, logger: silent })
    try {
      const recorder = recordEvents(app.container.resolve(Modules.EVENT_BUS), "recorder-outage")
      await stop(redis)
      const key = await app.container.resolve<ApiKeyModuleService>(Modules.API_KEY).createApiKeys({ title: "during outage", type: "publishable", created_by: "u" })
      await sleep(500)
      expect(recorder.events).toEqual([])
      redis = await startOwnRedis(port, dir)
      expect(await recorder.waitFor(1, 20_000)).toBe(true)
      expect(recorder.events.map((e) => [e.name, e.data])).toEqual([["api_key.api-key.created", { id: key.id }]])
    } finally {
      await app.shutdown()
      await stop(redis)
    }
  })
})

describe("two servers on one database and one Redis", () => {
  const servers: FixtureProcess[] = []
  const handled: { subscriber: string; id: string; pid: number }[] = []
  const started: { subscriber: string; id: string; pid: number }[] = []
  let prefix: string
  let config: MedusaConfig
  let directory: string
  let emitter: MedusaApp
  let emitterKeys: ApiKeyModuleService

  /** Two subscribers; each reports every event it handles, and hangs instead when HANG is set. */
  const subscriber = (id: string) => `
    module.exports.default = async function ({ event }) {
      const report = { subscriber: ${JSON.stringify(id)}, id: event.data.id, pid: process.pid }
      if (process.env.HANG === "1") {
        process.send({ started: report })
        await new Promise(() => {})
      }
      process.send({ handled: report })
    }
    module.exports.config = { event: "api_key.api-key.created", context: { subscriberId: ${JSON.stringify(id)} } }
  `

  async function startServer(env: Record<string, string> = {}): Promise<FixtureProcess> {
    const server = await forkFixture("event-server-process.js", { MEDUSA_CONFIG: JSON.stringify(config), APP_DIRECTORY: directory, ...env })
    server.onMessage((message) => {
      if (message.handled) handled.push(message.handled)
      if (message.started) started.push(message.started)
    })
    servers.push(server)
    return server
  }

  const handledFor = (ids: string[]) => handled.filter((h) => ids.includes(h.id))
  /** Each (event, subscriber) pair once: the deliveries sorted, for comparison. */
  const oncePerSubscriber = (ids: string[]) => ids.flatMap((id) => [`${id}:audit-keys`, `${id}:count-keys`]).sort()

  beforeAll(async () => {
    prefix = newPrefix("servers")
    config = redisConfig(prefix)
    directory = writeAppSubscribers({ "count-keys.js": subscriber("count-keys"), "audit-keys.js": subscriber("audit-keys") })
    folders.push(directory)
    // The process that emits here runs no worker ("server" mode), like the CLI: the servers handle.
    emitter = await loadMedusaApp({ config, directory, workerMode: "server", logger: silent })
    emitterKeys = emitter.container.resolve(Modules.API_KEY)
  })
  afterAll(async () => {
    for (const server of servers) await server.kill()
    await emitter?.shutdown()
  })

  it("handles each event once per subscriber, not once per server", async () => {
    const a = await startServer()
    const b = await startServer()
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push((await emitterKeys.createApiKeys({ title: `k${i}`, type: "publishable", created_by: "u" })).id)
    ids.push(await a.call("createKey", "made on server a"))
    ids.push(await b.call("createKey", "made on server b"))
    expect(await eventually(() => handledFor(ids).length >= ids.length * 2, 20_000)).toBe(true)
    await sleep(1500) // a duplicate would arrive within this
    expect(handledFor(ids).map((h) => `${h.id}:${h.subscriber}`).sort()).toEqual(oncePerSubscriber(ids))
    expect(handledFor(ids).every((h) => h.pid === a.pid || h.pid === b.pid)).toBe(true)
    expect(await pendingDeliveries(prefix)).toBe(0)
    await a.close()
    await b.close()
  })

  it("keeps events emitted while no server runs, and handles them when one starts", async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await emitterKeys.createApiKeys({ title: `offline ${i}`, type: "publishable", created_by: "u" })).id)
    await sleep(500)
    expect(handledFor(ids)).toEqual([])
    expect(await pendingDeliveries(prefix)).toBe(6)
    const c = await startServer()
    expect(await eventually(() => handledFor(ids).length >= 6, 20_000)).toBe(true)
    await sleep(1000)
    expect(handledFor(ids).map((h) => `${h.id}:${h.subscriber}`).sort()).toEqual(oncePerSubscriber(ids))
    expect(handledFor(ids).every((h) => h.pid === c.pid)).toBe(true)
    await c.close()
  })

  it("runs a handler again on another server when its server is killed midway", async () => {
    const d = await startServer({ HANG: "1" })
    const id = (await emitterKeys.createApiKeys({ title: "killed midway", type: "publishable", created_by: "u" })).id
    expect(await eventually(() => started.filter((s) => s.id === id).length === 2, 20_000)).toBe(true)
    await d.kill("SIGKILL")
    expect(handledFor([id])).toEqual([])
    const e = await startServer()
    // The dead server's lock expires (lockDuration 2 s), then the job is taken again.
    expect(await eventually(() => handledFor([id]).length >= 2, 30_000)).toBe(true)
    await sleep(1000)
    expect(handledFor([id]).map((h) => `${h.id}:${h.subscriber}`).sort()).toEqual(oncePerSubscriber([id]))
    expect(handledFor([id]).every((h) => h.pid === e.pid)).toBe(true)
    expect(await pendingDeliveries(prefix)).toBe(0)
    await e.close()
  })
})
