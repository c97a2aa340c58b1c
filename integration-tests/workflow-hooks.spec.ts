import { MedusaError, Modules, type ApiKeyDTO, type ApiKeyModuleService, type CreateApiKeyDTO, type Link } from "../src"
import { createHook, createStep, createWorkflow, parallelize, StepResponse, WorkflowResponse, type WorkflowData } from "../src/framework/workflows-sdk"
import { createApiKeysStep, createApiKeysWorkflow, updateApiKeysWorkflow } from "../src/workflows"
import type { SalesChannelModuleService } from "../src/modules/sales-channel"
import { setupApp, type AppFixture } from "./setup/app"

/** What the apiKeysCreated handler registered below saw, run by run. */
const seenByHook: Array<{ apiKeys: ApiKeyDTO[]; additional_data: unknown }> = []

/**
 * The app's handler, as an app would write it: links each new publishable key to the sales
 * channel named in `additional_data`, undoes that if the run fails later, and refuses when asked.
 * Registered once for this file (a hook takes one handler).
 */
createApiKeysWorkflow.hooks.apiKeysCreated(
  async ({ apiKeys, additional_data }, { container }) => {
    seenByHook.push({ apiKeys, additional_data })
    if (additional_data?.refuse) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The hook refused these keys")
    const channelId = additional_data?.sales_channel_id as string | undefined
    if (!channelId) return
    const links = apiKeys.map((key) => ({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channelId } }))
    await container.resolve<Link>("link").create(links)
    return new StepResponse(undefined, links)
  },
  async (links, { container }) => {
    if (links) await container.resolve<Link>("link").dismiss(links)
  },
)

const failingStep = createStep({ name: "fail-after-hook", noCompensation: true }, async () => {
  throw new MedusaError(MedusaError.Types.CONFLICT, "failed after the hook")
})

describe("workflow hooks on a real app", () => {
  let f: AppFixture
  let apiKeys: ApiKeyModuleService
  let salesChannels: SalesChannelModuleService
  const container = () => f.app.container
  const keyTitles = async () => (await f.query<{ title: string }>("select title from api_key order by title")).map((row) => row.title)
  const channelNames = async () => (await f.query<{ name: string }>("select name from sales_channel order by name")).map((row) => row.name)
  const links = () => f.query("select publishable_key_id, sales_channel_id from publishable_api_key_sales_channel")

  beforeAll(async () => {
    f = await setupApp()
    apiKeys = container().resolve(Modules.API_KEY)
    salesChannels = container().resolve(Modules.SALES_CHANNEL)
  })
  afterAll(async () => {
    await f.close()
  })
  beforeEach(async () => {
    seenByHook.length = 0
    await f.query("delete from publishable_api_key_sales_channel")
    await f.query("delete from api_key")
    await f.query("delete from sales_channel")
  })

  describe("createApiKeysWorkflow's apiKeysCreated hook", () => {
    it("hands the handler the created keys and the caller's additional_data", async () => {
      const channel = await salesChannels.createSalesChannels({ name: "Web" })

      const { result } = await createApiKeysWorkflow(container()).run({
        input: {
          api_keys: [{ title: "Storefront", type: "publishable", created_by: "user_1" }],
          additional_data: { sales_channel_id: channel.id, source: "test" },
        },
      })

      expect(seenByHook).toEqual([{ apiKeys: result, additional_data: { sales_channel_id: channel.id, source: "test" } }])
      expect(seenByHook[0].apiKeys[0]).toMatchObject({ title: "Storefront", type: "publishable", token: expect.stringMatching(/^pk_/) })
      expect(await links()).toEqual([{ publishable_key_id: result[0].id, sales_channel_id: channel.id }])
    })

    it("runs the handler without additional_data when the caller gives none", async () => {
      await createApiKeysWorkflow(container()).run({ input: { api_keys: [{ title: "Plain", type: "secret", created_by: "user_1" }] } })

      expect(seenByHook).toHaveLength(1)
      expect(seenByHook[0].additional_data).toBeUndefined()
      expect(await links()).toEqual([])
    })

    it("creates no key when the handler refuses: the keys it was given are removed again", async () => {
      const error = await createApiKeysWorkflow(container())
        .run({ input: { api_keys: [{ title: "Refused", type: "secret", created_by: "user_1" }], additional_data: { refuse: true } } })
        .catch((e: unknown) => e)

      expect(error).toMatchObject({ type: "not_allowed", message: "The hook refused these keys" })
      expect(seenByHook).toHaveLength(1)
      expect(await keyTitles()).toEqual([])
    })
  })

  describe("updateApiKeysWorkflow", () => {
    it("accepts additional_data (Medusa's update workflow has no hook to hand it to)", async () => {
      const key = await apiKeys.createApiKeys({ title: "old", type: "publishable", created_by: "user_1" })

      const { result } = await updateApiKeysWorkflow(container()).run({
        input: { selector: { id: key.id }, update: { title: "new" }, additional_data: { reason: "rename" } },
      })

      expect(result.map((k) => k.title)).toEqual(["new"])
      expect(Object.keys(updateApiKeysWorkflow.hooks)).toEqual([])
    })
  })

  describe("a hook's compensation in a workflow of the app's own", () => {
    const createChannelStep = createStep(
      "create-channel-for-keys",
      async (name: string, { container }) => {
        const channel = await container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL).createSalesChannels({ name })
        return new StepResponse(channel, channel.id)
      },
      async (id, { container }) => {
        if (id) await container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL).deleteSalesChannels(id)
      },
    )

    const provisionWorkflow = createWorkflow(
      "provision-storefront",
      (input: WorkflowData<{ api_keys: CreateApiKeyDTO[]; channel: string; fail: boolean }>) => {
        const [keys, channel] = parallelize(createApiKeysStep({ api_keys: input.api_keys }), createChannelStep(input.channel))
        const provisioned = createHook("storefrontProvisioned", { keys, channel })
        createStep({ name: "maybe-fail", noCompensation: true }, async (fail: boolean) => {
          if (fail) throw new MedusaError(MedusaError.Types.CONFLICT, "failed after the hook")
        })(input.fail)
        return new WorkflowResponse({ keys, channel }, { hooks: [provisioned] })
      },
    )
    provisionWorkflow.hooks.storefrontProvisioned(
      async ({ keys, channel }, { container }) => {
        const link = container.resolve<Link>("link")
        const created = await link.create(
          keys.map((key) => ({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id } })),
        )
        return new StepResponse(created.length, created)
      },
      async (created, { container }) => {
        await container.resolve<Link>("link").dismiss(created)
      },
    )
    const input = (fail: boolean) => ({
      api_keys: [{ title: "EU storefront", type: "publishable" as const, created_by: "user_1" }],
      channel: "EU",
      fail,
    })

    it("keeps what the steps and the handler did when the run succeeds", async () => {
      const { result } = await provisionWorkflow(container()).run({ input: input(false) })

      expect(await keyTitles()).toEqual(["EU storefront"])
      expect(await links()).toEqual([{ publishable_key_id: result.keys[0].id, sales_channel_id: result.channel.id }])
    })

    it("undoes the handler's links, then the parallel key and channel creation, when a later step fails", async () => {
      const error = await provisionWorkflow(container()).run({ input: input(true) }).catch((e: unknown) => e)

      expect(error).toMatchObject({ type: "conflict", message: "failed after the hook" })
      expect(await links()).toEqual([])
      expect(await keyTitles()).toEqual([])
      expect(await channelNames()).toEqual([])
    })

    it("undoes the parallel steps before the hook when the hook itself fails", async () => {
      const strict = createWorkflow("provision-strict", (input: WorkflowData<{ api_keys: CreateApiKeyDTO[]; channel: string }>) => {
        const [keys, channel] = parallelize(createApiKeysStep({ api_keys: input.api_keys }), createChannelStep(input.channel))
        createHook("checked", { keys, channel })
        failingStep()
      })
      strict.hooks.checked(async () => {
        throw new MedusaError(MedusaError.Types.INVALID_DATA, "not this channel")
      })

      const error = await strict(container()).run({ input: input(false) }).catch((e: unknown) => e)

      expect(error).toMatchObject({ type: "invalid_data", message: "not this channel" })
      expect(await keyTitles()).toEqual([])
      expect(await channelNames()).toEqual([])
    })
  })
})
