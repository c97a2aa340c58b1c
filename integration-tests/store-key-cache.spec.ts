import { randomBytes } from "node:crypto"
import { rmSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { moduleQueryCount, Modules } from "../src"
import { PUBLISHABLE_KEY_CONTEXTS, type PublishableKeyContexts } from "../src/api/store/publishable-key-contexts"
import type { Link } from "../src/framework/modules-sdk/links"
import { writeAppApi } from "./setup/app-folder"
import { queryDatabase } from "./setup/database"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { basicAuth, setupHttpApp, testConfig, type HttpFixture } from "./setup/http"
import { eventually, sleep } from "./setup/wait"

/**
 * The store guard's publishable key cache and the admin path's authentication, counted in SQL
 * statements: a warm request costs none, and every change that matters is seen — here at once,
 * in a second OS process within the change feed's propagation window (1 s).
 */

const PROPAGATION_MS = 1_000
/** The window plus room for the polling requests themselves on a busy machine. */
const SEEN_WITHIN_MS = PROPAGATION_MS + 500
const NOT_ALLOWED = "A valid publishable key is required to proceed with the request"
const NOT_IN_KEY = "Requested sales channel is not part of the publishable key"



/** App routes: the store context as the guard leaves it (scoped as Medusa scopes it), and who the admin caller is. */
const scopeModule = path.resolve(__dirname, "../src/api/store/sales-channel-scope.ts")
const APP_ROUTES = {
  "store/context/route.js": `const { salesChannelIdsInScope } = require(${JSON.stringify(scopeModule)})
exports.GET = (req, res) => res.json({ key: req.publishable_key_context.key, sales_channel_ids: salesChannelIdsInScope(req) })`,
  "admin/whoami/route.js": `exports.GET = (req, res) => res.json({ actor_id: req.auth_context.actor_id })`,
}

describe("the store's publishable key cache", () => {
  let fx: HttpFixture
  let directory: string
  let contexts: PublishableKeyContexts
  let link: Link

  beforeAll(async () => {
    directory = writeAppApi(APP_ROUTES, "store-cache-app-")
    fx = await setupHttpApp({ directory, apiKey: { authCache: { max: 50 } } })
    contexts = fx.medusa.container.resolve(PUBLISHABLE_KEY_CONTEXTS)
    link = fx.medusa.container.resolve("link")
    expect(await eventually(async () => !!contexts.stats()?.serving, 10_000)).toBe(true)
  })
  afterAll(async () => {
    await fx?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  async function keyWithChannel(name = "Web") {
    const key = await fx.apiKeys.createApiKeys({ title: `store ${name}`, type: "publishable", created_by: "test" })
    const channel = await fx.salesChannels.createSalesChannels({ name })
    await link.create({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id } })
    return { key, channel }
  }

  const storeContext = (token: string, query = "") => request(fx.app).get(`/store/context${query}`).set("x-publishable-api-key", token)

  /** SQL statements the app's modules send while `run` runs. */
  async function queriesDuring(run: () => Promise<unknown>): Promise<number> {
    const before = moduleQueryCount()
    await run()
    return moduleQueryCount() - before
  }

  /**
   * Reads the key until five requests in a row send no query. This process hears its own writes
   * at once, and once more when PostgreSQL delivers their notices a moment later; such a late
   * notice may drop an entry just read, so one read is not always enough to be warm.
   */
  async function warmHere(token: string) {
    const warm = await eventually(async () => {
      const queries = await queriesDuring(async () => {
        for (let i = 0; i < 5; i++) expect((await storeContext(token)).status).toBe(200)
      })
      return queries === 0
    }, 5_000)
    expect(warm).toBe(true)
  }

  it("serves a warm key's context with no query", async () => {
    const { key, channel } = await keyWithChannel()
    const cold = await storeContext(key.token)
    expect(cold.body).toEqual({ key: key.token, sales_channel_ids: [channel.id] })
    await warmHere(key.token)
    const queries = await queriesDuring(async () => {
      for (let i = 0; i < 20; i++) {
        const res = await storeContext(key.token)
        expect(res.status).toBe(200)
        expect(res.body).toEqual({ key: key.token, sales_channel_ids: [channel.id] })
      }
    })
    expect(queries).toBe(0)
  })

  it("sees a revocation, a removed link and a disabled channel in this process at once", async () => {
    const { key, channel } = await keyWithChannel()
    const other = await fx.salesChannels.createSalesChannels({ name: "Outlet" })
    await link.create({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: other.id } })
    expect((await storeContext(key.token)).body.sales_channel_ids.sort()).toEqual([channel.id, other.id].sort())

    await fx.salesChannels.updateSalesChannels(other.id, { is_disabled: true })
    expect((await storeContext(key.token)).body.sales_channel_ids).toEqual([channel.id])
    const named = await storeContext(key.token, `?sales_channel_id=${other.id}`)
    expect([named.status, named.body.message]).toEqual([400, NOT_IN_KEY])

    await link.dismiss({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id } })
    expect((await storeContext(key.token)).body.sales_channel_ids).toEqual([])

    await fx.apiKeys.revoke(key.id, { revoked_by: "test" })
    const refused = await storeContext(key.token)
    expect([refused.status, refused.body.message]).toEqual([400, NOT_ALLOWED])
  })

  it("stops a key revoked for later at that instant, from memory", async () => {
    const { key } = await keyWithChannel()
    await fx.apiKeys.revoke(key.id, { revoked_by: "test", revoke_in: 2 })
    const [{ revoked_at }] = await queryDatabase(fx.database.url, "select revoked_at from api_key where id = $1", [key.id])
    await warmHere(key.token)
    const queries = await queriesDuring(async () => {
      while (Date.now() < new Date(revoked_at).getTime() - 50) {
        expect((await storeContext(key.token)).status).toBe(200)
        await sleep(100)
      }
      await sleep(Math.max(0, new Date(revoked_at).getTime() - Date.now() + 5))
      const refused = await storeContext(key.token)
      expect([refused.status, refused.body.message]).toEqual([400, NOT_ALLOWED])
    })
    expect(queries).toBe(0)
  })

  it("remembers garbage tokens briefly, within a bounded memory", async () => {
    for (let i = 0; i < 120; i++) {
      const res = await storeContext(`pk_${randomBytes(32).toString("hex")}`)
      expect([res.status, res.body.message]).toEqual([400, NOT_ALLOWED])
    }
    const stats = contexts.stats()!
    expect(stats.unknownEntries).toBeLessThanOrEqual(50)
    expect(stats.entries).toBeLessThanOrEqual(50)
    const garbage = `pk_${randomBytes(32).toString("hex")}`
    await storeContext(garbage)
    expect(await queriesDuring(async () => {
      for (let i = 0; i < 20; i++) expect((await storeContext(garbage)).status).toBe(400)
    })).toBe(0)
  })

  it("authenticates a warm admin key with no query", async () => {
    const whoami = () => request(fx.app).get("/admin/whoami").set("Authorization", basicAuth(fx.adminToken))
    expect((await whoami()).body).toEqual({ actor_id: fx.admin.id })
    // The first use is recorded as last_used_at a moment later, off the request path.
    expect(
      await eventually(async () => {
        const [row] = await queryDatabase(fx.database.url, "select last_used_at from api_key where id = $1", [fx.admin.id])
        return row.last_used_at !== null
      }, 5_000)
    ).toBe(true)
    const queries = await queriesDuring(async () => {
      for (let i = 0; i < 20; i++) expect((await whoami()).status).toBe(200)
    })
    expect(queries).toBe(0)
  })

  describe("in a second OS process", () => {
    let server: FixtureProcess
    let base: string

    beforeAll(async () => {
      server = await forkFixture("store-server-process.js", {
        MEDUSA_CONFIG: JSON.stringify(testConfig(fx.database.url)),
        APP_DIRECTORY: directory,
      })
      base = `http://127.0.0.1:${await server.call<number>("port")}`
      expect(await server.call("storeCacheServing")).toBe(true)
    })
    afterAll(() => server.close())

    async function remote(token: string, query = "") {
      const res = await fetch(`${base}/store/context${query}`, { headers: { "x-publishable-api-key": token } })
      return { status: res.status, body: (await res.json()) as any }
    }

    /**
     * Warms the key in the second process until it answers from memory: five requests in a row
     * with no query. (This test's own setup writes — the key, its channel, its link — reach that
     * process a moment later and may drop an entry just read, so one read is not always enough.)
     */
    async function warm(token: string) {
      const servedFromMemory = await eventually(async () => {
        const before = await server.call<number>("queries")
        for (let i = 0; i < 5; i++) expect((await remote(token)).status).toBe(200)
        return (await server.call<number>("queries")) - before === 0
      }, 5_000)
      expect(servedFromMemory).toBe(true)
    }

    const refusedWith = (token: string, status: number, message: string, query = "") =>
      eventually(async () => {
        const res = await remote(token, query)
        return res.status === status && res.body.message === message
      }, SEEN_WITHIN_MS)

    it("refuses a key revoked here", async () => {
      const { key } = await keyWithChannel()
      await warm(key.token)
      await fx.apiKeys.revoke(key.id, { revoked_by: "test" })
      expect(await refusedWith(key.token, 400, NOT_ALLOWED)).toBe(true)
    })

    it("refuses a key deleted here, and one soft-deleted until it is restored", async () => {
      const { key } = await keyWithChannel()
      const gone = await keyWithChannel("Gone")
      await warm(key.token)
      await warm(gone.key.token)
      await fx.apiKeys.revoke(gone.key.id, { revoked_by: "test" })
      await fx.apiKeys.deleteApiKeys(gone.key.id)
      expect(await refusedWith(gone.key.token, 400, NOT_ALLOWED)).toBe(true)

      await fx.apiKeys.softDeleteApiKeys([key.id])
      expect(await refusedWith(key.token, 400, NOT_ALLOWED)).toBe(true)
      await fx.apiKeys.restoreApiKeys([key.id])
      expect(await eventually(async () => (await remote(key.token)).status === 200, SEEN_WITHIN_MS)).toBe(true)
    })

    it("drops an unlinked, a disabled and a deleted channel from the key's context", async () => {
      const { key, channel } = await keyWithChannel()
      const disabled = await fx.salesChannels.createSalesChannels({ name: "Disabled later" })
      const deleted = await fx.salesChannels.createSalesChannels({ name: "Deleted later" })
      for (const id of [disabled.id, deleted.id]) {
        await link.create({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: id } })
      }
      await warm(key.token)
      expect((await remote(key.token)).body.sales_channel_ids.sort()).toEqual([channel.id, disabled.id, deleted.id].sort())

      await link.dismiss({ [Modules.API_KEY]: { publishable_key_id: key.id }, [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id } })
      expect(await refusedWith(key.token, 400, NOT_IN_KEY, `?sales_channel_id=${channel.id}`)).toBe(true)

      await fx.salesChannels.updateSalesChannels(disabled.id, { is_disabled: true })
      expect(await refusedWith(key.token, 400, NOT_IN_KEY, `?sales_channel_id=${disabled.id}`)).toBe(true)

      await fx.salesChannels.deleteSalesChannels(deleted.id)
      expect(await refusedWith(key.token, 400, NOT_IN_KEY, `?sales_channel_id=${deleted.id}`)).toBe(true)
      expect((await remote(key.token)).body.sales_channel_ids).toEqual([])
    })
  })
})
