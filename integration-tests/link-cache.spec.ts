import request from "supertest"
import { moduleQueryCount, Modules } from "../src"
import type { ChangeFeed } from "../src/framework/modules-sdk/change-feed"
import type { Link } from "../src/framework/modules-sdk/links"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { basicAuth, setupHttpApp, testConfig, type HttpFixture } from "./setup/http"
import { eventually } from "./setup/wait"

/**
 * Query follows a link from memory once it has read it: `GET /admin/api-keys/:id` (which embeds
 * the key's sales channels, as Medusa's does) then costs one statement, and a link added or
 * removed anywhere is seen here at once and in another process within the propagation window.
 */

const SEEN_WITHIN_MS = 1_500


describe("Query's link reads", () => {
  let fx: HttpFixture
  let link: Link

  beforeAll(async () => {
    fx = await setupHttpApp()
    link = fx.medusa.container.resolve("link")
    // The cache serves once the app's change feed is live.
    const feed = fx.medusa.container.resolve<ChangeFeed>("changeFeed")
    expect(await eventually(async () => feed.isListening, 10_000)).toBe(true)
  })
  afterAll(() => fx?.close())

  const channelsLink = (keyId: string, channelId: string) => ({ [Modules.API_KEY]: { publishable_key_id: keyId }, [Modules.SALES_CHANNEL]: { sales_channel_id: channelId } })
  const getKey = (id: string) => request(fx.app).get(`/admin/api-keys/${id}`).set("Authorization", basicAuth(fx.adminToken))
  const channelIds = (body: any) => body.api_key.sales_channels.map((c: { id: string }) => c.id).sort()

  /**
   * Whether reading the key again comes to cost `statements` SQL statements. Polled: a late
   * notice of this test's own setup writes may drop an entry just read, and the admin key's
   * first use is written a moment later (last_used_at); without the cache it never does.
   */
  const readAgainCosts = (id: string, statements: number) =>
    eventually(async () => {
      const before = moduleQueryCount()
      expect((await getKey(id)).status).toBe(200)
      return moduleQueryCount() - before === statements
    }, 5_000)

  it("reads a key's link rows from memory when read again, and sees a new link at once", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "linked", type: "publishable", created_by: "test" })
    const web = await fx.salesChannels.createSalesChannels({ name: "Web" })
    await link.create(channelsLink(key.id, web.id))
    expect(channelIds((await getKey(key.id)).body)).toEqual([web.id])
    // The key and its channels; the link rows come from memory.
    expect(await readAgainCosts(key.id, 2)).toBe(true)

    const app = await fx.salesChannels.createSalesChannels({ name: "App" })
    await link.create(channelsLink(key.id, app.id))
    expect(channelIds((await getKey(key.id)).body)).toEqual([web.id, app.id].sort())
    await link.dismiss(channelsLink(key.id, web.id))
    expect(channelIds((await getKey(key.id)).body)).toEqual([app.id])
  })

  it("costs one statement for a key without links read again", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "alone", type: "secret", created_by: "test" })
    expect((await getKey(key.id)).body.api_key.sales_channels).toEqual([])
    expect(await readAgainCosts(key.id, 1)).toBe(true)
  })

  describe("in a second OS process", () => {
    let server: FixtureProcess
    let base: string

    beforeAll(async () => {
      server = await forkFixture("store-server-process.js", { MEDUSA_CONFIG: JSON.stringify(testConfig(fx.database.url)) })
      base = `http://127.0.0.1:${await server.call<number>("port")}`
      expect(await server.call("storeCacheServing")).toBe(true)
    })
    afterAll(() => server.close())

    const remoteChannels = async (id: string) => {
      const res = await fetch(`${base}/admin/api-keys/${id}`, { headers: { authorization: basicAuth(fx.adminToken) } })
      return channelIds(await res.json())
    }

    it("sees a link added or removed here within the window", async () => {
      const key = await fx.apiKeys.createApiKeys({ title: "remote", type: "publishable", created_by: "test" })
      const web = await fx.salesChannels.createSalesChannels({ name: "Remote web" })
      expect(await remoteChannels(key.id)).toEqual([])
      expect(await remoteChannels(key.id)).toEqual([])
      await link.create(channelsLink(key.id, web.id))
      expect(await eventually(async () => (await remoteChannels(key.id)).length === 1, SEEN_WITHIN_MS)).toBe(true)
      await link.dismiss(channelsLink(key.id, web.id))
      expect(await eventually(async () => (await remoteChannels(key.id)).length === 0, SEEN_WITHIN_MS)).toBe(true)
    })
  })
})
