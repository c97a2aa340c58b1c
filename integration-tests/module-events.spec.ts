import { asValue, createContainer } from "awilix"
import { ApiKey } from "../src"
import apiKeyModule from "../src"
import { buildEventMessages, type EventMessage } from "../src/framework/modules-sdk/events"
import type { ApiKeyModuleService } from "../src"
import { createTestDatabase, type TestDatabase } from "./setup/database"
import { FAST_SCRYPT } from "./setup/module"
import { runMigrations } from "../src"

/**
 * Medusa's module events, as Medusa 2.21's api-key module emits them, through the event bus a
 * host registers as `event_bus` (Medusa's loader puts it in every module container): one message
 * per record, after the write commits.
 */

let database: TestDatabase
let service: ApiKeyModuleService
const emitted: { messages: EventMessage[]; options: unknown }[] = []
const names = () => emitted.flatMap((e) => e.messages.map((m) => m.name))
const settle = () => new Promise((resolve) => setImmediate(resolve))

beforeAll(async () => {
  database = await createTestDatabase("events")
  const options = { scrypt: FAST_SCRYPT, database: { clientUrl: database.url } }
  await runMigrations({ options })
  // The module built as Medusa's loader builds it: a container holding the host's event bus, the
  // module's loaders run against it, then the service from its cradle.
  const container = createContainer({ strict: true })
  container.register({ event_bus: asValue({ emit: async (messages: EventMessage[], options: unknown) => void emitted.push({ messages, options }) }) })
  for (const loader of apiKeyModule.loaders) await loader({ container, options })
  service = new apiKeyModule.service(container.cradle, options) as ApiKeyModuleService
})
afterAll(async () => {
  await service.onApplicationShutdown()
  await database.drop()
})
beforeEach(() => {
  emitted.length = 0
})

it("emits api_key.api-key.created per created key, with Medusa's data and metadata", async () => {
  const [a, b] = await service.createApiKeys([
    { title: "a", type: "secret", created_by: "u" },
    { title: "b", type: "publishable", created_by: "u" },
  ])
  await settle()
  expect(emitted).toEqual([
    {
      messages: [
        { name: "api_key.api-key.created", data: { id: a.id }, metadata: { source: "api_key", object: "api_key", action: "created" } },
        { name: "api_key.api-key.created", data: { id: b.id }, metadata: { source: "api_key", object: "api_key", action: "created" } },
      ],
      options: { internal: true },
    },
  ])
})

it("emits updated for an update and for a revoke, deleted for a delete, restored for a restore", async () => {
  const key = await service.createApiKeys({ title: "k", type: "secret", created_by: "u" })
  await service.updateApiKeys(key.id, { title: "renamed" })
  await service.updateApiKeys(key.id, { title: "renamed" }) // no change, no event
  await service.revoke(key.id)
  await service.softDeleteApiKeys(key.id)
  await service.restoreApiKeys(key.id)
  await service.deleteApiKeys(key.id)
  await service.deleteApiKeys("apk_missing") // nothing deleted, no event
  await settle()
  expect(names()).toEqual([
    "api_key.api-key.created",
    "api_key.api-key.updated",
    "api_key.api-key.updated",
    "api_key.api-key.deleted",
    "api_key.api-key.restored",
    "api_key.api-key.deleted",
  ])
})

it("emits nothing for a write that fails or rolls back", async () => {
  await expect(service.deleteApiKeys((await service.createApiKeys({ title: "live", type: "secret", created_by: "u" })).id)).rejects.toThrow(
    /not revoked/
  )
  await settle()
  expect(names()).toEqual(["api_key.api-key.created"])
})

it("names events from the model, for any module", () => {
  expect(buildEventMessages("api_key", ApiKey, "deleted", ["apk_1"])).toEqual([
    { name: "api_key.api-key.deleted", data: { id: "apk_1" }, metadata: { source: "api_key", object: "api_key", action: "deleted" } },
  ])
})
