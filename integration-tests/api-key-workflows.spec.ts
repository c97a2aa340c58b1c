import { MedusaError, Modules, type ApiKeyModuleService, type Link, type IApiKeyModuleService, type CreateApiKeyDTO, type FilterableApiKeyProps } from "../src"
import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse, type WorkflowData } from "../src/framework/workflows-sdk"
import {
  createApiKeysStep,
  createApiKeysWorkflow,
  deleteApiKeysWorkflow,
  linkSalesChannelsToApiKeyStep,
  linkSalesChannelsToApiKeyWorkflow,
  removeApiKeySalesChannelLinksStep,
  revokeApiKeysWorkflow,
  rollApiKeyWorkflow,
  updateApiKeysStep,
  updateApiKeysWorkflow,
} from "../src/workflows"
import { setupApp, type AppFixture } from "./setup/app"

/** The last step of a test workflow: fails so the steps before it must be compensated. */
const failingStep = createStep({ name: "fail-on-purpose", noCompensation: true }, async () => {
  throw new MedusaError(MedusaError.Types.CONFLICT, "failed on purpose")
})

describe("API key workflows", () => {
  let f: AppFixture
  let service: ApiKeyModuleService
  let salesChannels: any
  let link: Link
  const container = () => f.app.container
  const addChannels = (keyId: string, channelIds: string[]) =>
    link.create(channelIds.map((sc) => ({ [Modules.API_KEY]: { publishable_key_id: keyId }, [Modules.SALES_CHANNEL]: { sales_channel_id: sc } })))
  const channelIdsOf = async (keyId: string) =>
    (await link.list({ [Modules.API_KEY]: { publishable_key_id: [keyId] } })).map((l) => l[Modules.SALES_CHANNEL].sales_channel_id)

  beforeAll(async () => {
    f = await setupApp()
    service = container().resolve(Modules.API_KEY)
    salesChannels = container().resolve(Modules.SALES_CHANNEL)
    link = container().resolve("link")
  })
  afterAll(async () => {
    await f.close()
  })
  beforeEach(async () => {
    await f.query("delete from publishable_api_key_sales_channel")
    await f.query("delete from api_key")
    await f.query("delete from sales_channel")
  })

  const snapshot = () => f.query("select id, title, revoked_at, deleted_at from api_key order by id")
  const links = () => f.query("select publishable_key_id, sales_channel_id from publishable_api_key_sales_channel order by sales_channel_id")

  describe("createApiKeysWorkflow", () => {
    it("creates the keys and returns their raw tokens", async () => {
      const { result } = await createApiKeysWorkflow(container()).run({
        input: { api_keys: [{ title: "Admin", type: "secret", created_by: "u" }, { title: "Store", type: "publishable", created_by: "u" }] },
      })
      expect(result.map((k) => k.title)).toEqual(["Admin", "Store"])
      expect(await service.authenticate(result[0].token)).toEqual(expect.objectContaining({ id: result[0].id }))
    })

    it("removes what it created when a later step fails, secret keys included", async () => {
      const workflow = createWorkflow("create-then-fail", (input: WorkflowData<{ api_keys: CreateApiKeyDTO[] }>) => {
        createApiKeysStep(input)
        failingStep()
      })
      const error = await workflow(container())
        .run({ input: { api_keys: [{ title: "a", type: "secret", created_by: "u" }, { title: "b", type: "publishable", created_by: "u" }] } })
        .catch((e) => e)
      expect(error.message).toBe("failed on purpose")
      expect(await snapshot()).toEqual([])
    })
  })

  describe("updateApiKeysWorkflow", () => {
    it("updates the selected keys", async () => {
      const key = await service.create({ title: "old", type: "publishable", created_by: "u" })
      const { result } = await updateApiKeysWorkflow(container()).run({ input: { selector: { id: key.id }, update: { title: "new" } } })
      expect(result.map((k) => k.title)).toEqual(["new"])
    })

    it("puts the previous titles back when a later step fails", async () => {
      await service.create([
        { title: "one", type: "publishable", created_by: "u" },
        { title: "two", type: "publishable", created_by: "u" },
      ])
      const before = await snapshot()
      const workflow = createWorkflow("update-then-fail", (input: WorkflowData<{ selector: FilterableApiKeyProps; update: { title: string } }>) => {
        updateApiKeysStep(input)
        failingStep()
      })
      await expect(workflow(container()).run({ input: { selector: { type: "publishable" }, update: { title: "same" } } })).rejects.toThrow(
        "failed on purpose"
      )
      expect((await snapshot()).map((k: any) => k.title)).toEqual(before.map((k: any) => k.title))
    })
  })

  describe("revokeApiKeysWorkflow", () => {
    it("revokes the selected keys, with who and when", async () => {
      const key = await service.create({ title: "s", type: "secret", created_by: "u" })
      const { result } = await revokeApiKeysWorkflow(container()).run({
        input: { selector: { id: key.id }, revoke: { revoked_by: "admin", revoke_in: 0 } },
      })
      expect(result[0]).toEqual(expect.objectContaining({ id: key.id, revoked_by: "admin" }))
      expect(await service.authenticate(key.token)).toBe(false)
    })

    it("reports Medusa's error for an already revoked secret key with throwOnError: false", async () => {
      const key = await service.create({ title: "s", type: "secret", created_by: "u" })
      await service.revoke(key.id)
      const { errors, result } = await revokeApiKeysWorkflow(container()).run({
        input: { selector: { id: key.id }, revoke: {} },
        throwOnError: false,
      })
      expect(result).toBeUndefined()
      expect(errors).toEqual([expect.objectContaining({ action: "revoke-api-keys", handlerType: "invoke" })])
      expect((errors[0].error as Error).message).toBe("There are 1 secret keys that are already revoked.")
    })
  })

  describe("deleteApiKeysWorkflow", () => {
    it("deletes revoked keys and their sales channel links", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const channel = await salesChannels.createSalesChannels({ name: "EU" })
      await addChannels(key.id, [channel.id])
      await service.revoke(key.id)
      await deleteApiKeysWorkflow(container()).run({ input: { ids: [key.id] } })
      expect(await snapshot()).toEqual([])
      expect(await links()).toEqual([])
    })

    it("restores the links when the delete is refused for a key that is not revoked", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const channel = await salesChannels.createSalesChannels({ name: "EU" })
      await addChannels(key.id, [channel.id])
      const error = await deleteApiKeysWorkflow(container())
        .run({ input: { ids: [key.id] } })
        .catch((e) => e)
      expect(error.type).toBe(MedusaError.Types.NOT_ALLOWED)
      expect(error.message).toBe(`Cannot delete api keys that are not revoked - ${key.id}`)
      expect(await links()).toEqual([{ publishable_key_id: key.id, sales_channel_id: channel.id }])
    })

    it("restores removed links when a later step fails", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const channel = await salesChannels.createSalesChannels({ name: "EU" })
      await addChannels(key.id, [channel.id])
      const workflow = createWorkflow("unlink-then-fail", (input: WorkflowData<{ ids: string[] }>) => {
        removeApiKeySalesChannelLinksStep(input.ids)
        failingStep()
      })
      await expect(workflow(container()).run({ input: { ids: [key.id] } })).rejects.toThrow("failed on purpose")
      expect(await links()).toHaveLength(1)
    })
  })

  describe("linkSalesChannelsToApiKeyWorkflow", () => {
    it("adds and removes sales channels of a publishable key", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const [eu, us] = await salesChannels.createSalesChannels([{ name: "EU" }, { name: "US" }])
      await linkSalesChannelsToApiKeyWorkflow(container()).run({ input: { id: key.id, add: [eu.id, us.id] } })
      await linkSalesChannelsToApiKeyWorkflow(container()).run({ input: { id: key.id, remove: [eu.id] } })
      expect(await links()).toEqual([{ publishable_key_id: key.id, sales_channel_id: us.id }])
    })

    it("fails with Medusa's message for channels that do not exist, linking nothing", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const eu = await salesChannels.createSalesChannels({ name: "EU" })
      const error = await linkSalesChannelsToApiKeyWorkflow(container())
        .run({ input: { id: key.id, add: [eu.id, "sc_missing1", "sc_missing2"] } })
        .catch((e) => e)
      expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
      expect(error.message).toBe("Sales channels with IDs sc_missing1, sc_missing2 do not exist")
      expect(await links()).toEqual([])
    })

    it("refuses to link a secret key", async () => {
      const key = await service.create({ title: "s", type: "secret", created_by: "u" })
      const eu = await salesChannels.createSalesChannels({ name: "EU" })
      await expect(linkSalesChannelsToApiKeyWorkflow(container()).run({ input: { id: key.id, add: [eu.id] } })).rejects.toThrow(
        "Sales channels can only be associated with publishable API keys"
      )
    })

    it("reverses exactly the link changes when a later step fails", async () => {
      const key = await service.create({ title: "p", type: "publishable", created_by: "u" })
      const [eu, us, asia] = await salesChannels.createSalesChannels([{ name: "EU" }, { name: "US" }, { name: "Asia" }])
      await addChannels(key.id, [eu.id, us.id])
      const before = await links()
      const workflow = createWorkflow("relink-then-fail", (input: WorkflowData<{ id: string; add: string[]; remove: string[] }>) => {
        linkSalesChannelsToApiKeyStep(input)
        failingStep()
      })
      // us is added again (already linked: must stay linked after the undo), asia is new, eu is removed.
      await expect(workflow(container()).run({ input: { id: key.id, add: [us.id, asia.id], remove: [eu.id] } })).rejects.toThrow(
        "failed on purpose"
      )
      expect(await links()).toEqual(before)
    })
  })

  describe("rollApiKeyWorkflow", () => {
    it("creates a successor with the same title, type and creator and revokes the old key now", async () => {
      const old = await service.create({ title: "CI", type: "secret", created_by: "user_1" })
      const { result: successor } = await rollApiKeyWorkflow(container()).run({ input: { id: old.id, revoked_by: "admin" } })
      expect(successor).toEqual(expect.objectContaining({ title: "CI", type: "secret", created_by: "user_1" }))
      expect(successor.id).not.toBe(old.id)
      expect(successor.token).toMatch(/^sk_[0-9a-f]{64}$/)
      expect(await service.authenticate(successor.token)).toEqual(expect.objectContaining({ id: successor.id }))
      expect(await service.authenticate(old.token)).toBe(false)
      expect((await service.retrieve(old.id)).revoked_by).toBe("admin")
    })

    it("keeps the old key working until revoke_in has passed, and not after", async () => {
      const old = await service.create({ title: "CI", type: "secret", created_by: "u" })
      const { result: successor } = await rollApiKeyWorkflow(container()).run({ input: { id: old.id, revoke_in: 1 } })
      expect(await service.authenticate(old.token)).toEqual(expect.objectContaining({ id: old.id }))
      expect(await service.authenticate(successor.token)).toEqual(expect.objectContaining({ id: successor.id }))
      await new Promise((resolve) => setTimeout(resolve, 1100))
      expect(await service.authenticate(old.token)).toBe(false)
      expect(await service.authenticate(successor.token)).toEqual(expect.objectContaining({ id: successor.id }))
    })

    it("gives a publishable successor the old key's sales channels", async () => {
      const old = await service.create({ title: "Store", type: "publishable", created_by: "u" })
      const [eu, us] = await salesChannels.createSalesChannels([{ name: "EU" }, { name: "US" }])
      await addChannels(old.id, [eu.id, us.id])
      const { result: successor } = await rollApiKeyWorkflow(container()).run({ input: { id: old.id } })
      expect(successor.token).toMatch(/^pk_/)
      expect((await channelIdsOf(successor.id)).sort()).toEqual([eu.id, us.id].sort())
    })

    it("deletes the successor and its links if revoking the old key fails", async () => {
      const old = await service.create({ title: "Store", type: "publishable", created_by: "u" })
      const eu = await salesChannels.createSalesChannels({ name: "EU" })
      await addChannels(old.id, [eu.id])
      const before = await snapshot()
      // A negative revoke_in passes the workflow input but the revoke itself refuses it.
      const error = await rollApiKeyWorkflow(container())
        .run({ input: { id: old.id, revoke_in: -5 } })
        .catch((e) => e)
      expect(error.message).toMatch(/revoke_in must be a number of seconds from 0 to/)
      expect(await snapshot()).toEqual(before)
      expect(await links()).toEqual([{ publishable_key_id: old.id, sales_channel_id: eu.id }])
    })

    it("refuses to roll a key that is already revoked, creating nothing", async () => {
      const old = await service.create({ title: "CI", type: "secret", created_by: "u" })
      await service.revoke(old.id)
      await expect(rollApiKeyWorkflow(container()).run({ input: { id: old.id } })).rejects.toThrow(/already revoked/)
      expect(await snapshot()).toHaveLength(1)
    })
  })

  it("lets a user workflow call create, authenticate and revoke through the container, with transform", async () => {
    // The README's example, as written there.
    const checkTokenStep = createStep("check-token", async (token: string, { container }) => {
      const apiKeys = container.resolve<IApiKeyModuleService>(Modules.API_KEY)
      return new StepResponse(await apiKeys.authenticate(token))
    })
    const revokeStep = createStep("revoke-key", async (id: string, { container }) =>
      new StepResponse(await container.resolve<IApiKeyModuleService>(Modules.API_KEY).revoke(id, { revoked_by: "workflow" }))
    )
    const oneTimeTokenWorkflow = createWorkflow("one-time-token", (input: WorkflowData<{ title: string }>) => {
      const created = createApiKeysStep(
        transform({ input }, ({ input }) => ({ api_keys: [{ title: input.title, type: "secret" as const, created_by: "workflow" }] }))
      )
      const authenticated = checkTokenStep(transform({ created }, ({ created }) => created[0].token))
      const revoked = revokeStep(transform({ created }, ({ created }) => created[0].id))
      return new WorkflowResponse({ authenticated, revoked })
    })
    const workflow = oneTimeTokenWorkflow
    const { result } = await workflow(container()).run({ input: { title: "one-time" } })
    expect(result.authenticated).toEqual(expect.objectContaining({ title: "one-time" }))
    expect(result.revoked.revoked_by).toBe("workflow")
  })
})
