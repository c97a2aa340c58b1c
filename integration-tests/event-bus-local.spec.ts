import { rmSync } from "node:fs"
import { MikroORM, type EntityManager } from "@mikro-orm/postgresql"
import {
  ApiKey,
  LocalEventBusService,
  loadMedusaApp,
  MedusaError,
  Modules,
  runAppMigrations,
  type ApiKeyModuleService,
  type IEventBusModuleService,
  type Link,
  type MedusaApp,
  type MedusaConfig,
} from "../src"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "../src/framework/workflows-sdk"
import { withTransaction } from "../src/framework/modules-sdk/transactions"
import {
  createApiKeysStep,
  createApiKeysWorkflow,
  deleteApiKeysWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  revokeApiKeysWorkflow,
  rollApiKeyWorkflow,
} from "../src/workflows"
import { writeAppSubscribers } from "./setup/app-folder"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"
import { eventually, recordEvents, sleep, type EventRecorder } from "./setup/events"
import { FAST_SCRYPT } from "./setup/module"

/**
 * The local event bus (the default without Redis): Medusa's module events with their names,
 * payloads and timing (after commit; grouped in workflows), subscribers from src/subscribers,
 * and failing subscribers kept away from the request and from each other.
 */

let database: TestDatabase
let config: MedusaConfig
let app: MedusaApp
let apiKeys: ApiKeyModuleService
let salesChannels: any
let link: Link
let bus: IEventBusModuleService
let recorder: EventRecorder
const logged: string[] = []
const logger = { info: () => undefined, warn: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m) }

/** Lets deliveries scheduled so far run, so a test can assert that none came. */
const settle = () => sleep(150)
const metadataOf = (action: string, object = "api_key", source = "api_key") => ({ source, object, action })

beforeAll(async () => {
  database = await createTestDatabase("events_local")
  config = {
    projectConfig: { databaseUrl: database.url },
    modules: { apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT } }, salesChannel: { resolve: "@medusajs/sales-channel" } },
  }
  await runAppMigrations(config, process.cwd(), database.url)
  app = await loadMedusaApp({ config, logger })
  apiKeys = app.container.resolve(Modules.API_KEY)
  salesChannels = app.container.resolve(Modules.SALES_CHANNEL)
  link = app.container.resolve("link")
  bus = app.container.resolve(Modules.EVENT_BUS)
  recorder = recordEvents(bus)
})
afterAll(async () => {
  await app?.shutdown()
  await database?.drop()
})
beforeEach(async () => {
  await settle()
  recorder.clear()
  logged.length = 0
})

describe("the default event bus", () => {
  it("is the local one when no Redis is configured, under Medusa's names", () => {
    expect(bus).toBeInstanceOf(LocalEventBusService)
    expect(app.container.resolve("eventBusModuleService")).toBe(bus)
    expect(app.modules.event_bus.service).toBe(bus)
  })
})

describe("module events", () => {
  it("emits Medusa's names with { id } for create, update, revoke, soft delete, restore and delete of a key", async () => {
    const [a, b] = await apiKeys.createApiKeys([
      { title: "a", type: "secret", created_by: "u" },
      { title: "b", type: "publishable", created_by: "u" },
    ])
    await apiKeys.updateApiKeys(a.id, { title: "renamed" })
    await apiKeys.updateApiKeys(a.id, { title: "renamed" }) // nothing changes: no event
    await apiKeys.revoke(b.id, { revoke_in: 3600 }) // scheduled: still an update
    await apiKeys.revoke(a.id, { revoked_by: "u" })
    await apiKeys.softDeleteApiKeys(a.id)
    await apiKeys.restoreApiKeys(a.id)
    await apiKeys.deleteApiKeys(a.id)
    await apiKeys.deleteApiKeys("apk_unknown") // nothing deleted: no event
    expect(await recorder.waitFor(8)).toBe(true)
    await settle()
    expect(recorder.events).toEqual([
      { name: "api_key.api-key.created", data: { id: a.id }, metadata: metadataOf("created") },
      { name: "api_key.api-key.created", data: { id: b.id }, metadata: metadataOf("created") },
      { name: "api_key.api-key.updated", data: { id: a.id }, metadata: metadataOf("updated") },
      { name: "api_key.api-key.updated", data: { id: b.id }, metadata: metadataOf("updated") },
      { name: "api_key.api-key.updated", data: { id: a.id }, metadata: metadataOf("updated") },
      { name: "api_key.api-key.deleted", data: { id: a.id }, metadata: metadataOf("deleted") },
      { name: "api_key.api-key.restored", data: { id: a.id }, metadata: metadataOf("restored") },
      { name: "api_key.api-key.deleted", data: { id: a.id }, metadata: metadataOf("deleted") },
    ])
  })

  it("never carries a token, hash or salt", async () => {
    const key = await apiKeys.createApiKeys({ title: "secret one", type: "secret", created_by: "u" })
    await apiKeys.revoke(key.id)
    expect(await recorder.waitFor(2)).toBe(true)
    const serialized = JSON.stringify(recorder.events)
    const [row] = await queryDatabase<{ token: string; salt: string }>(database.url, "select token, salt from api_key where id = $1", [key.id])
    for (const secret of [key.token, row.token, row.salt]) expect(serialized).not.toContain(secret)
  })

  it("emits sales channel events the same way", async () => {
    const channel = await salesChannels.createSalesChannels({ name: "Web" })
    await salesChannels.updateSalesChannels(channel.id, { is_disabled: true })
    await salesChannels.softDeleteSalesChannels(channel.id)
    await salesChannels.restoreSalesChannels(channel.id)
    await salesChannels.deleteSalesChannels(channel.id)
    expect(await recorder.waitFor(5)).toBe(true)
    expect(recorder.events.map((e) => [e.name, e.data])).toEqual([
      ["sales_channel.sales-channel.created", { id: channel.id }],
      ["sales_channel.sales-channel.updated", { id: channel.id }],
      ["sales_channel.sales-channel.deleted", { id: channel.id }],
      ["sales_channel.sales-channel.restored", { id: channel.id }],
      ["sales_channel.sales-channel.deleted", { id: channel.id }],
    ])
    expect(recorder.events[0].metadata).toEqual(metadataOf("created", "sales_channel", "sales_channel"))
  })

  it("emits attached and detached for each link created or removed, with both ends' ids", async () => {
    const key = await apiKeys.createApiKeys({ title: "store", type: "publishable", created_by: "u" })
    const [web, app2] = await salesChannels.createSalesChannels([{ name: "Web" }, { name: "App" }])
    const pair = (sc: string) => ({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: sc } })
    await recorder.waitFor(3)
    recorder.clear()
    await link.create([pair(web.id), pair(app2.id)])
    await link.create(pair(web.id)) // already linked: nothing created, no event
    await link.dismiss(pair(web.id))
    await link.dismiss(pair(web.id)) // already gone: no event
    await link.delete({ [Modules.API_KEY]: { publishable_key_id: key.id } })
    expect(await recorder.waitFor(4)).toBe(true)
    await settle()
    const rows = recorder.events.map((e) => [e.name, { ...(e.data as object), id: "…" }])
    expect(rows).toEqual([
      ["publishable_api_key_sales_channel.attached", { id: "…", publishable_key_id: key.id, sales_channel_id: web.id }],
      ["publishable_api_key_sales_channel.attached", { id: "…", publishable_key_id: key.id, sales_channel_id: app2.id }],
      ["publishable_api_key_sales_channel.detached", { id: "…", publishable_key_id: key.id, sales_channel_id: web.id }],
      ["publishable_api_key_sales_channel.detached", { id: "…", publishable_key_id: key.id, sales_channel_id: app2.id }],
    ])
    expect((recorder.events[0].data as { id: string }).id).toMatch(/^pksc_/)
    expect(recorder.events[0].metadata).toEqual({ source: "link_modules", object: "publishable_api_key_sales_channel", action: "attached" })
  })
})

describe("timing: after commit, never after a rollback", () => {
  let callerOrm: MikroORM
  beforeAll(async () => {
    // A caller's own ORM on the same database: its transactions are not the module's.
    callerOrm = await MikroORM.init({ clientUrl: database.url, entities: [ApiKey.entity], discovery: { warnWhenNoEntities: false } })
  })
  afterAll(async () => {
    await callerOrm?.close(true)
  })

  it("delivers a change only once it is committed, so a subscriber reads it from any connection", async () => {
    const seen: unknown[] = []
    const reader = async (event: { data: unknown }) => {
      const { id } = event.data as { id: string }
      seen.push((await queryDatabase(database.url, "select title from api_key where id = $1", [id]))[0])
    }
    bus.subscribe("api_key.api-key.created", reader, { subscriberId: "committed-reader" })
    try {
      await apiKeys.createApiKeys({ title: "visible", type: "publishable", created_by: "u" })
      expect(await eventually(() => seen.length === 1)).toBe(true)
      expect(seen).toEqual([{ title: "visible" }])
    } finally {
      bus.unsubscribe("api_key.api-key.created", reader, { subscriberId: "committed-reader" })
    }
  })

  type InTransaction = <T>(work: (em: EntityManager) => Promise<T>) => Promise<T>

  /**
   * In a transaction the caller runs with `inTransaction`: a create and a change emit nothing
   * until it commits, then both; a create in one that rolls back emits nothing, ever.
   */
  async function expectEventsOnlyAfterCommit(inTransaction: InTransaction, change: (id: string, em: EntityManager) => Promise<unknown>) {
    let id = ""
    await inTransaction(async (em) => {
      id = (await apiKeys.createApiKeys({ title: "outer", type: "publishable", created_by: "u" }, { transactionManager: em })).id
      await change(id, em)
      await settle()
      expect(recorder.events).toEqual([])
    })
    expect(await recorder.waitFor(2)).toBe(true)
    expect(recorder.events.map((e) => [e.name, e.data])).toEqual([
      ["api_key.api-key.created", { id }],
      ["api_key.api-key.updated", { id }],
    ])

    recorder.clear()
    await expect(
      inTransaction(async (em) => {
        await apiKeys.createApiKeys({ title: "rolled back", type: "publishable", created_by: "u" }, { transactionManager: em })
        throw new Error("roll back")
      })
    ).rejects.toThrow("roll back")
    await settle()
    expect(recorder.events).toEqual([])
    expect(await apiKeys.listApiKeys({ title: "rolled back" })).toEqual([])
  }

  it("emits a change made in a caller's transaction when that transaction commits, and nothing if it rolls back", async () => {
    await expectEventsOnlyAfterCommit(
      (work) => withTransaction(callerOrm, undefined, work),
      (id, em) => apiKeys.updateApiKeys(id, { title: "outer 2" }, { transactionManager: em })
    )
  })

  it("does the same in a transaction of the caller's own ORM, nested savepoints included", async () => {
    // Every write goes through a savepoint inside the caller's own MikroORM transaction.
    await expectEventsOnlyAfterCommit(
      (work) => callerOrm.em.fork().transactional((em) => em.transactional((inner) => work(inner))),
      (id, em) => apiKeys.revoke(id, {}, { transactionManager: em })
    )
  })

  it("emits nothing for a write that fails", async () => {
    const live = await apiKeys.createApiKeys({ title: "live", type: "secret", created_by: "u" })
    await recorder.waitFor(1)
    recorder.clear()
    await expect(apiKeys.deleteApiKeys(live.id)).rejects.toThrow(/not revoked/)
    await settle()
    expect(recorder.events).toEqual([])
  })
})

describe("failing subscribers", () => {
  it("break neither the request nor the other subscribers, and are logged without secrets", async () => {
    const leaked = `sk_${"ab".repeat(32)}`
    const failing = async () => {
      throw new Error(`gateway refused ${leaked}`)
    }
    const alsoFailing = () => {
      throw new MedusaError(MedusaError.Types.CONFLICT, "sync failure")
    }
    bus.subscribe("api_key.api-key.created", failing, { subscriberId: "failing-gateway-sync" })
    bus.subscribe("api_key.api-key.created", alsoFailing, { subscriberId: "failing-sync" })
    try {
      const key = await apiKeys.createApiKeys({ title: "survives", type: "secret", created_by: "u" })
      expect(key.token).toMatch(/^sk_/)
      expect(await recorder.waitFor(1)).toBe(true)
      expect(await eventually(() => logged.length === 2)).toBe(true)
      expect(recorder.names()).toEqual(["api_key.api-key.created"])
      const lines = logged.join("\n")
      expect(lines).toContain("Subscriber failing-gateway-sync failed on api_key.api-key.created")
      expect(lines).toContain("Subscriber failing-sync failed on api_key.api-key.created: MedusaError (conflict): sync failure")
      expect(lines).not.toContain(leaked)
      expect(lines).not.toContain(key.token)
      expect(lines).toContain("sk_aba***bab")
    } finally {
      bus.unsubscribe("api_key.api-key.created", failing)
      bus.unsubscribe("api_key.api-key.created", alsoFailing)
    }
  })
})

describe("workflows: grouped events", () => {
  const container = () => app.container

  it("holds the events of a run until it succeeds, then delivers them", async () => {
    let seenDuringRun = -1
    const look = createStep("look-at-events", async () => {
      await settle()
      seenDuringRun = recorder.events.length
      return new StepResponse(undefined)
    })
    const workflow = createWorkflow("create-then-look", () => {
      const created = createApiKeysStep({ api_keys: [{ title: "grouped", type: "publishable", created_by: "wf" }] })
      look()
      return new WorkflowResponse(created)
    })
    const { result } = await workflow(container()).run()
    expect(seenDuringRun).toBe(0)
    expect(await recorder.waitFor(1)).toBe(true)
    expect(recorder.events.map((e) => [e.name, e.data])).toEqual([["api_key.api-key.created", { id: result[0].id }]])
    expect(recorder.events[0].metadata).toEqual({ ...metadataOf("created"), eventGroupId: expect.any(String) })
  })

  it("drops them when the run fails: a compensated create emits nothing", async () => {
    const fail = createStep({ name: "fail-after-create", noCompensation: true }, async () => {
      throw new MedusaError(MedusaError.Types.CONFLICT, "failed on purpose")
    })
    const workflow = createWorkflow("create-then-fail", () => {
      const created = createApiKeysStep({ api_keys: [{ title: "compensated", type: "secret", created_by: "wf" }] })
      fail()
      return new WorkflowResponse(created)
    })
    await expect(workflow(container()).run()).rejects.toThrow("failed on purpose")
    const { errors } = await workflow(container()).run({ throwOnError: false })
    expect(errors).toHaveLength(1)
    await settle()
    expect(recorder.events).toEqual([])
    expect(await apiKeys.listApiKeys({ title: "compensated" }, { withDeleted: true })).toEqual([])
  })

  it("delivers the events of the built-in workflows and of links they make", async () => {
    const { result: [key] } = await createApiKeysWorkflow(container()).run({ input: { api_keys: [{ title: "wf", type: "publishable", created_by: "u" }] } })
    const channel = await salesChannels.createSalesChannels({ name: "Wf" })
    await linkSalesChannelsToApiKeyWorkflow(container()).run({ input: { id: key.id, add: [channel.id] } })
    const { result: successor } = await rollApiKeyWorkflow(container()).run({ input: { id: key.id, revoked_by: "u" } })
    await deleteApiKeysWorkflow(container()).run({ input: { ids: [key.id] } })
    await revokeApiKeysWorkflow(container()).run({ input: { selector: { id: successor.id }, revoke: { revoked_by: "u" } } })
    expect(await recorder.waitFor(9)).toBe(true)
    await settle()
    expect(recorder.events.map((e) => [e.name, (e.data as { id: string }).id])).toEqual([
      ["api_key.api-key.created", key.id],
      ["sales_channel.sales-channel.created", channel.id],
      ["publishable_api_key_sales_channel.attached", expect.stringMatching(/^pksc_/)],
      // The roll: the successor (with the key's channels), then the key revoked.
      ["api_key.api-key.created", successor.id],
      ["publishable_api_key_sales_channel.attached", expect.stringMatching(/^pksc_/)],
      ["api_key.api-key.updated", key.id],
      // The delete takes the key's links with it.
      ["publishable_api_key_sales_channel.detached", expect.stringMatching(/^pksc_/)],
      ["api_key.api-key.deleted", key.id],
      ["api_key.api-key.updated", successor.id],
    ])
  })

  it("lets a subscriber's own writes emit their own events after the run's group is released", async () => {
    const rename = async ({ data }: { data: unknown }) => {
      await apiKeys.updateApiKeys((data as { id: string }).id, { title: "renamed by subscriber" })
    }
    bus.subscribe("api_key.api-key.created", rename, { subscriberId: "renamer" })
    try {
      const { result } = await createApiKeysWorkflow(container()).run({ input: { api_keys: [{ title: "to rename", type: "publishable", created_by: "u" }] } })
      expect(await recorder.waitFor(2)).toBe(true)
      expect(recorder.events.map((e) => [e.name, e.data])).toEqual([
        ["api_key.api-key.created", { id: result[0].id }],
        ["api_key.api-key.updated", { id: result[0].id }],
      ])
      expect(recorder.events[1].metadata?.eventGroupId).toBeUndefined()
    } finally {
      bus.unsubscribe("api_key.api-key.created", rename)
    }
  })

  it("releases and clears groups on the bus as Medusa's buses do", async () => {
    const message = (group: string) => ({ name: "custom.thing.happened", data: { id: group }, metadata: { eventGroupId: group } })
    await bus.emit([message("g1"), message("g2")])
    await settle()
    expect(recorder.events).toEqual([])
    await bus.releaseGroupedEvents("g1")
    await bus.clearGroupedEvents("g2")
    await bus.releaseGroupedEvents("g2")
    expect(await recorder.waitFor(1)).toBe(true)
    await settle()
    expect(recorder.events.map((e) => e.data)).toEqual([{ id: "g1" }])
  })
})

describe("the bus API", () => {
  it("refuses a subscriber id used twice for one event, and a message without a name", async () => {
    const handler = async () => undefined
    bus.subscribe("x.y.created", handler, { subscriberId: "twice" })
    expect(() => bus.subscribe("x.y.created", handler, { subscriberId: "twice" })).toThrow("Subscriber with id twice already exists")
    bus.unsubscribe("x.y.created", handler, { subscriberId: "twice" })
    await expect(bus.emit({ data: {} } as any)).rejects.toThrow(/An event needs a name/)
  })

  it("stops delivering to an unsubscribed handler", async () => {
    const calls: unknown[] = []
    const handler = (event: unknown) => void calls.push(event)
    bus.subscribe("custom.ping", handler)
    await bus.emit({ name: "custom.ping", data: { n: 1 } })
    expect(await eventually(() => calls.length === 1)).toBe(true)
    bus.unsubscribe("custom.ping", handler)
    await bus.emit({ name: "custom.ping", data: { n: 2 } })
    await settle()
    expect(calls).toEqual([{ name: "custom.ping", data: { n: 1 }, metadata: undefined }])
  })
})

describe("subscribers in src/subscribers", () => {
  const folders: string[] = []
  const appConfig = () => `module.exports = ${JSON.stringify(config)}`
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true })
  })
  const appWith = (files: Record<string, string>) => {
    const folder = writeAppSubscribers(files, appConfig())
    folders.push(folder)
    return folder
  }

  it("runs each file's handler with the event and the app container", async () => {
    ;(globalThis as any).__subscriberCalls = []
    const directory = appWith({
      "welcome.js": `
        module.exports.default = async function sendWelcome({ event, container }) {
          globalThis.__subscriberCalls.push({ by: "welcome", name: event.name, data: event.data })
        }
        module.exports.config = { event: "api_key.api-key.created" }
      `,
      "audit/log-key-changes.ts": `
        import type { SubscriberArgs, SubscriberConfig } from ${JSON.stringify(require.resolve("../src"))}
        export default async function ({ event, container }: SubscriberArgs<{ id: string }>) {
          const key = await container.resolve("api_key").retrieveApiKey(event.data.id, { withDeleted: true })
          ;(globalThis as any).__subscriberCalls.push({ by: "audit", name: event.name, title: key.title })
        }
        export const config: SubscriberConfig = { event: ["api_key.api-key.created", "api_key.api-key.updated"], context: { subscriberId: "audit-log" } }
      `,
    })
    const subscribed = await loadMedusaApp({ directory, logger })
    try {
      const keys: ApiKeyModuleService = subscribed.container.resolve(Modules.API_KEY)
      const key = await keys.createApiKeys({ title: "hello", type: "publishable", created_by: "u" })
      await keys.updateApiKeys(key.id, { title: "hello again" })
      const calls = (globalThis as any).__subscriberCalls as unknown[]
      expect(await eventually(() => calls.length === 3)).toBe(true)
      expect(calls).toEqual(
        expect.arrayContaining([
          { by: "welcome", name: "api_key.api-key.created", data: { id: key.id } },
          { by: "audit", name: "api_key.api-key.created", title: expect.any(String) },
          { by: "audit", name: "api_key.api-key.updated", title: "hello again" },
        ])
      )
      const subscribers = (subscribed.container.resolve(Modules.EVENT_BUS) as LocalEventBusService).eventToSubscribersMap
      expect(subscribers.get("api_key.api-key.created")!.map((s) => s.id).sort()).toEqual(["audit-log", "send-welcome"])
    } finally {
      await subscribed.shutdown()
    }
  })

  it("names the file and the problem when a subscriber file is wrong", async () => {
    const cases: [string, string, RegExp][] = [
      ["no-handler.js", `module.exports.config = { event: "a.b.created" }`, /no-handler\.js must export a default function/],
      ["no-config.js", `module.exports.default = async () => {}`, /no-config\.js is missing a config/],
      ["bad-event.js", `module.exports.default = async () => {}; module.exports.config = { event: 42 }`, /bad-event\.js has an invalid event config/],
      ["bad-id.js", `module.exports.default = async () => {}; module.exports.config = { event: "a", context: { subscriberId: "" } }`, /bad-id\.js has a config\.context\.subscriberId/],
      ["throws.js", `throw new Error("broken at load")`, /throws\.js could not be loaded: broken at load/],
    ]
    for (const [file, content, message] of cases) {
      const directory = appWith({ [file]: content })
      const error = await loadMedusaApp({ directory, logger }).then(
        () => undefined,
        (e) => e
      )
      expect(error).toBeInstanceOf(MedusaError)
      expect(error.type).toBe("invalid_data")
      expect(error.message).toContain(directory)
      expect(error.message).toMatch(message)
    }
  })

  it("lets running subscribers finish before the app shuts down", async () => {
    ;(globalThis as any).__slowDone = []
    const directory = appWith({
      "slow.js": `
        module.exports.default = async function slowSync({ event }) {
          await new Promise((resolve) => setTimeout(resolve, 300))
          globalThis.__slowDone.push(event.data.id)
        }
        module.exports.config = { event: "api_key.api-key.created" }
      `,
    })
    const subscribed = await loadMedusaApp({ directory, logger })
    const key = await subscribed.container.resolve<ApiKeyModuleService>(Modules.API_KEY).createApiKeys({ title: "slow", type: "publishable", created_by: "u" })
    await subscribed.shutdown()
    expect((globalThis as any).__slowDone).toEqual([key.id])
  })

  it("refuses two subscriber files with one id for the same event", async () => {
    const file = `module.exports.default = async () => {}; module.exports.config = { event: "a.b.created", context: { subscriberId: "same" } }`
    const directory = appWith({ "one.js": file, "two.js": file })
    await expect(loadMedusaApp({ directory, logger })).rejects.toThrow(/two\.js cannot subscribe to a\.b\.created: Subscriber with id same already exists/)
  })
})
