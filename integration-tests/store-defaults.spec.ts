import { Modules, type IApiKeyModuleService, type Link, type SalesChannelModuleService } from "../src"
import { ensureStoreDefaults } from "../src/cli/store-defaults"
import { loadMedusaApp, type MedusaApp } from "../src/medusa-app"
import { setupApp, type AppFixture } from "./setup/app"

/**
 * A fresh store's initial data, as Medusa's has it: a "Default Sales Channel" and a "Default
 * Publishable API Key" (created_by "system") linked to it — made by db:migrate and npm start,
 * once, even when two servers start together; never by loading the app.
 */

let f: AppFixture
beforeEach(async () => {
  f = await setupApp()
})
afterEach(async () => {
  await f.close()
})

const counts = async () => ({
  channels: (await f.query("select name from sales_channel")).map((r) => r.name),
  keys: (await f.query("select title, type, created_by from api_key")).map((r) => [r.title, r.type, r.created_by]),
  links: (await f.query("select count(*)::int as n from publishable_api_key_sales_channel"))[0].n,
})

it("loading the app creates nothing", async () => {
  expect(await counts()).toEqual({ channels: [], keys: [], links: 0 })
})

it("creates the default channel and a publishable key linked to it, once, even when two servers start together", async () => {
  const second: MedusaApp = await loadMedusaApp({ config: f.app.config })
  try {
    const [a, b] = await Promise.all([ensureStoreDefaults(f.app, f.database.url), ensureStoreDefaults(second, f.database.url)])
    const created = [a, b].filter((d) => d.createdKey)
    expect(created).toHaveLength(1)
    expect(created[0].createdKey!.token).toMatch(/^pk_[0-9a-f]{64}$/)
    expect(await counts()).toEqual({
      channels: ["Default Sales Channel"],
      keys: [["Default Publishable API Key", "publishable", "system"]],
      links: 1,
    })
    const link = f.app.container.resolve<Link>("link")
    const [row] = await link.list({ [Modules.API_KEY]: { publishable_key_id: [created[0].createdKey!.id] } })
    const channel = await f.app.container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL).retrieveSalesChannel(row[Modules.SALES_CHANNEL].sales_channel_id)
    expect(channel.name).toBe("Default Sales Channel")
    // A restart finds them and creates nothing more.
    expect(await ensureStoreDefaults(f.app, f.database.url)).toEqual({ createdChannel: false })
  } finally {
    await second.shutdown()
  }
})

it("leaves a store that already has channels and keys as it is", async () => {
  await f.app.container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL).createSalesChannels({ name: "Web" })
  await f.app.container.resolve<IApiKeyModuleService>(Modules.API_KEY).createApiKeys({ title: "Mine", type: "publishable", created_by: "u" })
  expect(await ensureStoreDefaults(f.app, f.database.url)).toEqual({ createdChannel: false })
  expect(await counts()).toEqual({ channels: ["Web"], keys: [["Mine", "publishable", "u"]], links: 0 })
})
