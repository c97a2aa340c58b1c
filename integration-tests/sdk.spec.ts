import { once } from "node:events"
import { readdirSync, readFileSync, statSync } from "node:fs"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join, relative } from "node:path"
import { FetchError, Medusa } from "../src"
import { base64 } from "../src/sdk/base64"
import { setupHttpApp, type HttpFixture } from "./setup/http"

/**
 * The JS SDK (issue 16, point 1) against a real server: the package's express app listening on a
 * port, real PostgreSQL behind it, every call over real HTTP with the platform fetch.
 */

let fx: HttpFixture
let server: Server
let baseUrl: string
let sdk: Medusa

beforeAll(async () => {
  fx = await setupHttpApp()
  server = fx.app.listen(0, "127.0.0.1")
  await once(server, "listening")
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  sdk = new Medusa({ baseUrl, apiKey: fx.adminToken })
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await fx.close()
})

/** The FetchError a call rejects with (fails the test when the call succeeds or throws something else). */
async function failure(call: Promise<unknown>): Promise<FetchError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(FetchError)
  return error as FetchError
}

const seconds = (iso: string | null | undefined) => new Date(iso as string).getTime() / 1000
const now = () => Date.now() / 1000

describe("sdk.admin.apiKey", () => {
  it("creates a secret key whose token is shown once and works as the SDK's apiKey", async () => {
    const { api_key: created } = await sdk.admin.apiKey.create({ title: "CI deploy", type: "secret" })
    expect(created.token).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(created).toMatchObject({ title: "CI deploy", type: "secret", created_by: fx.admin.id, revoked_at: null })

    const { api_key: read } = await sdk.admin.apiKey.retrieve(created.id)
    expect(read.token).toBe("")
    expect(read.redacted).toBe(`${created.token.slice(0, 6)}***${created.token.slice(-3)}`)

    const asNewKey = new Medusa({ baseUrl, apiKey: created.token })
    const { api_keys } = await asNewKey.admin.apiKey.list({ id: created.id })
    expect(api_keys.map((k) => k.id)).toEqual([created.id])
  })

  it("lists with filters, paging, order and fields sent in the server's query syntax", async () => {
    const titles = ["sdk-list a", "sdk-list b", "sdk-list c"]
    const keys = []
    for (const title of titles) keys.push((await sdk.admin.apiKey.create({ title, type: "publishable" })).api_key)

    const page = await sdk.admin.apiKey.list({ q: "sdk-list", type: "publishable", order: "-title", limit: 2, offset: 1, fields: "id,title" })
    expect(page).toMatchObject({ count: 3, limit: 2, offset: 1 })
    expect(page.api_keys.map((k) => k.title)).toEqual(["sdk-list b", "sdk-list a"])
    expect(Object.keys(page.api_keys[0]).sort()).toEqual(["id", "title"])

    // A list of ids, and $or of objects.
    const byIds = await sdk.admin.apiKey.list({ id: [keys[0].id, keys[2].id], order: "title" })
    expect(byIds.api_keys.map((k) => k.title)).toEqual(["sdk-list a", "sdk-list c"])
    const either = await sdk.admin.apiKey.list({ $or: [{ title: "sdk-list a" }, { title: "sdk-list c" }], order: "title" })
    expect(either.api_keys.map((k) => k.title)).toEqual(["sdk-list a", "sdk-list c"])

    // Operator maps on dates, with a Date sent as its ISO string.
    const before = new Date(Date.now() - 1000)
    await sdk.admin.apiKey.revoke(keys[1].id)
    const revoked = await sdk.admin.apiKey.list({ q: "sdk-list", revoked_at: { $gt: before } })
    expect(revoked.api_keys.map((k) => k.id)).toEqual([keys[1].id])
  })

  it("lists the keys still in force: never revoked ($eq null) or revoked in the future", async () => {
    const make = async (title: string) => (await sdk.admin.apiKey.create({ title, type: "publishable" })).api_key
    const [never, later, gone] = [await make("in-force never"), await make("in-force later"), await make("in-force gone")]
    await sdk.admin.apiKey.revoke(later.id, { revoke_in: 3600 })
    await sdk.admin.apiKey.revoke(gone.id)

    const now_ = new Date()
    const inForce = await sdk.admin.apiKey.list({ q: "in-force", $or: [{ revoked_at: { $eq: null } }, { revoked_at: { $gt: now_ } }], order: "title" })
    expect(inForce.api_keys.map((k) => k.title)).toEqual(["in-force later", "in-force never"])
    const neverRevoked = await sdk.admin.apiKey.list({ q: "in-force", revoked_at: { $eq: null } })
    expect(neverRevoked.api_keys.map((k) => k.id)).toEqual([never.id])
    const everRevoked = await sdk.admin.apiKey.list({ q: "in-force", revoked_at: { $ne: null }, order: "title" })
    expect(everRevoked.api_keys.map((k) => k.id)).toEqual([gone.id, later.id])
  })

  it("updates a key's title and answers with the fields asked for", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Old name", type: "publishable" })
    const { api_key: updated } = await sdk.admin.apiKey.update(api_key.id, { title: "New name" }, { fields: "id,title" })
    expect(updated).toEqual({ id: api_key.id, title: "New name" })
    expect((await sdk.admin.apiKey.retrieve(api_key.id)).api_key.title).toBe("New name")
  })

  it("revokes now, and with revoke_in later, the key working until then", async () => {
    const { api_key: now_ } = await sdk.admin.apiKey.create({ title: "Revoke now", type: "secret" })
    const { api_key: revoked } = await sdk.admin.apiKey.revoke(now_.id)
    expect(revoked.revoked_by).toBe(fx.admin.id)
    expect(seconds(revoked.revoked_at)).toBeLessThanOrEqual(now() + 1)
    const asRevoked = new Medusa({ baseUrl, apiKey: now_.token })
    expect((await failure(asRevoked.admin.apiKey.list())).status).toBe(401)

    const { api_key: later } = await sdk.admin.apiKey.create({ title: "Revoke later", type: "secret" })
    const { api_key: scheduled } = await sdk.admin.apiKey.revoke(later.id, { revoke_in: 3600 }, { fields: "id,revoked_at" })
    expect(Object.keys(scheduled).sort()).toEqual(["id", "revoked_at"])
    expect(seconds(scheduled.revoked_at)).toBeGreaterThan(now() + 3500)
    const asScheduled = new Medusa({ baseUrl, apiKey: later.token })
    expect((await asScheduled.admin.apiKey.retrieve(later.id)).api_key.id).toBe(later.id)
  })

  it("rolls a key: the successor comes with its token, the old key is revoked after the overlap", async () => {
    const { api_key: old } = await sdk.admin.apiKey.create({ title: "Rolled", type: "secret" })
    const { api_key: successor } = await sdk.admin.apiKey.roll(old.id, { revoke_in: 600 })
    expect(successor.id).not.toBe(old.id)
    expect(successor).toMatchObject({ title: "Rolled", type: "secret", revoked_at: null })
    expect(successor.token).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(seconds((await sdk.admin.apiKey.retrieve(old.id)).api_key.revoked_at)).toBeGreaterThan(now() + 500)
    const asSuccessor = new Medusa({ baseUrl, apiKey: successor.token })
    expect((await asSuccessor.admin.apiKey.retrieve(successor.id)).api_key.id).toBe(successor.id)
  })

  it("reads a key's history, newest first, filtered and paged", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Tracked", type: "publishable" })
    await sdk.admin.apiKey.update(api_key.id, { title: "Tracked 2" })
    await sdk.admin.apiKey.revoke(api_key.id)

    const all = await sdk.admin.apiKey.history(api_key.id)
    expect(all.count).toBe(3)
    expect(all.history.map((entry) => entry.action)).toEqual(["revoked", "title_changed", "created"])
    expect(all.history[0]).toMatchObject({ api_key_id: api_key.id, actor: fx.admin.id })

    const renames = await sdk.admin.apiKey.history(api_key.id, { action: ["title_changed"] })
    expect(renames.history).toEqual([expect.objectContaining({ action: "title_changed", data: { title: { from: "Tracked", to: "Tracked 2" } } })])

    const page = await sdk.admin.apiKey.history(api_key.id, { limit: 1, offset: 1, created_at: { $lte: new Date(Date.now() + 1000) } })
    expect(page).toMatchObject({ count: 3, limit: 1, offset: 1 })
    expect(page.history.map((entry) => entry.action)).toEqual(["title_changed"])
  })

  it("deletes a revoked key, and refuses one that is not revoked", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Doomed", type: "publishable" })
    const refused = await failure(sdk.admin.apiKey.delete(api_key.id))
    expect(refused).toMatchObject({ status: 400, type: "not_allowed", message: `Cannot delete api keys that are not revoked - ${api_key.id}` })

    await sdk.admin.apiKey.revoke(api_key.id)
    expect(await sdk.admin.apiKey.delete(api_key.id)).toEqual({ id: api_key.id, object: "api_key", deleted: true })
    expect((await failure(sdk.admin.apiKey.retrieve(api_key.id))).status).toBe(404)
  })

  it("links and unlinks a publishable key's sales channels", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Shop", type: "publishable" })
    const { sales_channel: web } = await sdk.admin.salesChannel.create({ name: "Batch web" })
    const { sales_channel: pos } = await sdk.admin.salesChannel.create({ name: "Batch pos" })

    const { api_key: linked } = await sdk.admin.apiKey.batchSalesChannels(api_key.id, { add: [web.id, pos.id] })
    expect(linked.sales_channels?.map((c) => c.name).sort()).toEqual(["Batch pos", "Batch web"])

    const { api_key: unlinked } = await sdk.admin.apiKey.batchSalesChannels(api_key.id, { remove: [pos.id] })
    expect(unlinked.sales_channels?.map((c) => c.id)).toEqual([web.id])
    const { sales_channels } = await sdk.admin.salesChannel.list({ publishable_key_id: api_key.id })
    expect(sales_channels.map((c) => c.id)).toEqual([web.id])
  })
})

describe("sdk.admin.salesChannel", () => {
  it("creates, lists, retrieves, updates and deletes a sales channel", async () => {
    const { sales_channel: created } = await sdk.admin.salesChannel.create({ name: "SDK outlet", description: "Mall" })
    expect(created).toMatchObject({ name: "SDK outlet", description: "Mall", is_disabled: false })
    expect(created.id).toMatch(/^sc_/)

    const listed = await sdk.admin.salesChannel.list({ q: "SDK outlet", fields: "id,name" })
    expect(listed).toMatchObject({ count: 1, offset: 0, limit: 20 })
    expect(listed.sales_channels).toEqual([{ id: created.id, name: "SDK outlet" }])

    expect((await sdk.admin.salesChannel.retrieve(created.id, { fields: "id,description" })).sales_channel).toEqual({ id: created.id, description: "Mall" })

    const { sales_channel: updated } = await sdk.admin.salesChannel.update(created.id, { is_disabled: true, description: null })
    expect(updated).toMatchObject({ id: created.id, is_disabled: true, description: null })
    // A boolean filter goes over the wire as "true".
    const disabled = await sdk.admin.salesChannel.list({ is_disabled: true, q: "SDK outlet" })
    expect(disabled.sales_channels.map((c) => c.id)).toEqual([created.id])

    expect(await sdk.admin.salesChannel.delete(created.id)).toEqual({ id: created.id, object: "sales-channel", deleted: true })
    const gone = await failure(sdk.admin.salesChannel.retrieve(created.id))
    expect(gone).toMatchObject({ status: 404, type: "not_found", message: `Sales channel with id: ${created.id} not found` })
  })
})

describe("sdk.store.salesChannel", () => {
  it("lists the channels a publishable key grants, sending it as x-publishable-api-key", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Storefront", type: "publishable" })
    const { sales_channel: granted } = await sdk.admin.salesChannel.create({ name: "Granted" })
    await sdk.admin.salesChannel.create({ name: "Not granted" })
    await sdk.admin.apiKey.batchSalesChannels(api_key.id, { add: [granted.id] })

    const storefront = new Medusa({ baseUrl, publishableKey: api_key.token })
    expect(await storefront.store.salesChannel.list({ fields: "id,name" })).toEqual({ sales_channels: [{ id: granted.id, name: "Granted" }] })

    const withoutKey = await failure(new Medusa({ baseUrl }).store.salesChannel.list())
    expect(withoutKey).toMatchObject({ status: 400, type: "not_allowed" })
    expect(withoutKey.message).toContain("x-publishable-api-key")
  })
})

describe("errors", () => {
  it("throws a FetchError with status, statusText, type and message for a key the server does not accept", async () => {
    const stranger = new Medusa({ baseUrl, apiKey: `sk_${"0".repeat(64)}` })
    const error = await failure(stranger.admin.apiKey.list())
    expect(error).toMatchObject({ name: "FetchError", status: 401, statusText: "Unauthorized", type: "unauthorized", message: "Unauthorized" })
  })

  it("lets a request drop a default header (null) or set its own", async () => {
    expect((await failure(sdk.admin.apiKey.list({}, { Authorization: null }))).status).toBe(401)
    const { api_key } = await sdk.admin.apiKey.create({ title: "Header", type: "secret" })
    const anonymous = new Medusa({ baseUrl })
    const { api_keys } = await anonymous.admin.apiKey.list({ id: api_key.id }, { authorization: `Bearer ${api_key.token}` })
    expect(api_keys).toHaveLength(1)
  })

  it("carries the route's not_found message for an unknown id", async () => {
    const error = await failure(sdk.admin.apiKey.retrieve("apk_missing"))
    expect(error).toMatchObject({ status: 404, statusText: "Not Found", type: "not_found", message: "API Key with id: apk_missing was not found" })
  })

  it("carries the validation message of an invalid body", async () => {
    const error = await failure(sdk.admin.apiKey.create({ title: "Bad", type: "secret", created_by: "me" } as never))
    expect(error).toMatchObject({ status: 400, type: "invalid_data", message: "Invalid request: Unrecognized fields: 'created_by'" })
  })

  it("encodes an id as one path segment, so it cannot reach another route", async () => {
    const { api_key } = await sdk.admin.apiKey.create({ title: "Segment", type: "publishable" })
    const error = await failure(sdk.admin.apiKey.retrieve(`${api_key.id}/history`))
    expect(error.status).toBe(404)
  })
})

describe("the SDK's code", () => {
  const sdkDir = join(__dirname, "..", "src", "sdk")
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]))

  it("imports nothing outside src/sdk at runtime (types only), so it bundles for a browser", () => {
    const runtimeImports: string[] = []
    for (const file of files(sdkDir)) {
      const source = readFileSync(file, "utf8")
      for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^"']*?from\s+["']([^"']+)["']/gm)) {
        const target = match[1]
        const inside = target.startsWith(".") && !relative(sdkDir, join(file, "..", target)).startsWith("..")
        if (!inside) runtimeImports.push(`${relative(sdkDir, file)}: ${target}`)
      }
    }
    expect(runtimeImports).toEqual([])
  })

  it("encodes Basic credentials as Buffer does, for every length and for non-ASCII text", () => {
    for (const text of ["", "s", "sk", "sk_", "sk_a:", `sk_${"f".repeat(64)}:`, "clé:é€"]) {
      expect(base64(text)).toBe(Buffer.from(text, "utf8").toString("base64"))
    }
  })
})
