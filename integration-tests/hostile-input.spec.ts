import fc from "fast-check"
import request from "supertest"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"

/**
 * Generated hostile input against every built-in admin and store route, enumerated from the
 * router (a route added later is covered without touching this file): whatever arrives, the
 * answer is never a 5xx, errors have Medusa's shape, a refused request writes nothing, and the
 * server keeps answering /health.
 */

let fx: HttpFixture
let publishableToken: string
/** Ids of real records, so some requests get past the "not found" door. Never the admin key. */
const realIds: string[] = []

beforeAll(async () => {
  fx = await setupHttpApp()
  const publishable = await fx.apiKeys.create({ title: "storefront", type: "publishable", created_by: "u" })
  publishableToken = publishable.token
  const secret = await fx.apiKeys.create({ title: "victim", type: "secret", created_by: "u" })
  const channel = await fx.salesChannels.create({ name: "Web" })
  realIds.push(publishable.id, secret.id, channel.id)
})
afterAll(async () => {
  await fx.close()
})

const counts = async () =>
  (
    await fx.medusa.container
      .resolve<any>("apiKey")
      .listAndCountApiKeys({}, { take: 0, withDeleted: true })
      .then(([, n]: [unknown, number]) => n)
  ).toString() +
  "/" +
  (await fx.salesChannels.listAndCount({}, { take: 0, withDeleted: true }))[1]

const HOSTILE_FRAGMENTS = ["%00", "%", "%E0%A4%A", "%2F..%2F", "..", "%ZZ", "apk_%00", `sk_${"ab".repeat(32)}`, "x".repeat(9000), "%C0%AF", "\u202e"]

/** A path parameter as it appears on the wire: encoded text, or a raw hostile fragment. */
const pathParam = fc.oneof(
  fc.constantFrom(...HOSTILE_FRAGMENTS),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: "binary", maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom(...["apk_", "sc_", ""].map((p) => `${p}01ARZ3NDEKTSV4RRFFQ69G5FAV`)),
  fc.constant("REAL")
)

const FIELDS = ["q", "id", "title", "token", "type", "name", "is_disabled", "created_at", "revoked_at", "limit", "offset", "order", "fields", "with_deleted"]
const OPERATORS = ["$eq", "$gt", "$lt", "$in", "$nin", "$like", "$regex", "$or", "__proto__", "constructor"]
const hostileString = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 10 }), fc.constantFrom("\u0000", "10000-01-01", "-000001-01-01T00:00:00Z", "NaN", "-1", "1e400", "true"))
const queryValue = fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...OPERATORS), hostileString, { maxKeys: 2 }))
const query = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), queryValue, { maxKeys: 4 })

const bodyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileString,
  fc.constantFrom(2.54e11, -1, 1e308, Number.MAX_SAFE_INTEGER, 0.5, "publishable", "secret"),
  fc.array(fc.oneof(hostileString, fc.constant("REAL")), { maxLength: 3 })
)
const BODY_FIELDS = ["title", "type", "revoke_in", "add", "remove", "name", "description", "is_disabled", "created_by", "id", "token", "salt"]
const body = fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...BODY_FIELDS), fc.string({ maxLength: 8 })), bodyValue, { maxKeys: 4 }), fc.jsonValue({ maxDepth: 2 }))

it("never answers 5xx to generated hostile input on any built-in route, and writes nothing when it refuses", async () => {
  const routes = fx.app.builtInRoutes.flatMap((route) => route.methods.map((method) => ({ method, path: route.path })))
  expect(routes.length).toBeGreaterThanOrEqual(10)
  const routeArbitrary = fc.constantFrom(...routes)
  const seen = new Set<string>()

  await fc.assert(
    fc.asyncProperty(routeArbitrary, pathParam, query, body, fc.nat(realIds.length - 1), async (route, param, params, payload, realIndex) => {
      seen.add(`${route.method} ${route.path}`)
      const id = param === "REAL" ? realIds[realIndex] : param
      const url = route.path.replace(/:[A-Za-z_]+/g, id)
      const replaced = JSON.parse(JSON.stringify(payload ?? null).replace(/"REAL"/g, JSON.stringify(realIds[realIndex])))
      const before = await counts()
      let req = request(fx.app)[route.method.toLowerCase() as "get" | "post" | "delete"](url).query(params)
      req = url.startsWith("/store") ? req.set("x-publishable-api-key", publishableToken) : req.set("Authorization", basicAuth(fx.adminToken))
      // Sent as JSON text, so any JSON value (a bare number, null, an array) can be the body.
      if (route.method === "POST") req = req.set("Content-Type", "application/json").send(JSON.stringify(replaced))
      const res = await req
      expect(res.status).toBeLessThan(500)
      if (res.status >= 400) {
        expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }))
        expect(await counts()).toBe(before)
      }
    }),
    { numRuns: 400, seed: Number(process.env.FAST_CHECK_SEED ?? 20261126) }
  )
  // Every route was tried at least once.
  expect(seen.size).toBe(routes.length)
  expect((await request(fx.app).get("/health")).status).toBe(200)
  expect(fx.errors).toEqual([])
}, 120_000)
