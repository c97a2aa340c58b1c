import { MedusaError } from "../src"
import type { ApiKeyDTO } from "../src"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

describe("listing api keys with Medusa's filters and find-config", () => {
  let f: ModuleFixture
  let keys: Record<string, ApiKeyDTO>
  const titles = (list: ApiKeyDTO[]) => list.map((k) => k.title).sort()

  beforeAll(async () => {
    f = await setupApiKeyModule()
    const created = await f.service.create([
      { title: "Storefront EU", type: "publishable", created_by: "alice" },
      { title: "Storefront US", type: "publishable", created_by: "bob" },
      { title: "CI deploy", type: "secret", created_by: "alice" },
      { title: "Backoffice script", type: "secret", created_by: "carol" },
    ])
    keys = Object.fromEntries(created.map((k) => [k.title, k]))
    // Spread creation times a day apart so date operators have something to tell apart.
    let day = 0
    for (const key of created) {
      await f.query("update api_key set created_at = $1 where id = $2", [new Date(Date.UTC(2024, 0, 1 + day++)), key.id])
    }
    await f.service.revoke(keys["Storefront US"].id, { revoked_by: "alice" })
    await f.service.revoke(keys["Backoffice script"].id, { revoked_by: "alice", revoke_in: 3600 })
  })
  afterAll(async () => {
    await f.close()
  })

  it("filters by id, as a string or an array", async () => {
    expect(titles(await f.service.list({ id: keys["CI deploy"].id }))).toEqual(["CI deploy"])
    expect(titles(await f.service.list({ id: [keys["CI deploy"].id, keys["Storefront EU"].id] }))).toEqual(["CI deploy", "Storefront EU"])
  })

  it("searches title and redacted form with q, case-insensitively", async () => {
    expect(titles(await f.service.list({ q: "storefront" }))).toEqual(["Storefront EU", "Storefront US"])
    const redacted = keys["CI deploy"].redacted
    expect(titles(await f.service.list({ q: redacted.slice(0, 6) }))).toContain("CI deploy")
  })

  it("treats % and _ in q as plain characters", async () => {
    expect(await f.service.list({ q: "%" })).toEqual([])
    // As a wildcard "_" would match the "I" of "CI deploy".
    expect(await f.service.list({ q: "C_ deploy" })).toEqual([])
  })

  it("filters by title, type and token", async () => {
    expect(titles(await f.service.list({ title: "CI deploy" }))).toEqual(["CI deploy"])
    expect(titles(await f.service.list({ type: "secret" }))).toEqual(["Backoffice script", "CI deploy"])
    expect(titles(await f.service.list({ token: keys["Storefront EU"].token }))).toEqual(["Storefront EU"])
  })

  it("never lets a token filter or sort probe a secret key's stored hash", async () => {
    const [row] = await f.query("select token from api_key where id = $1", [keys["CI deploy"].id])
    expect(await f.service.list({ token: row.token })).toEqual([])
    await expect(f.service.list({ token: { $like: `${row.token.slice(0, 8)}%` } } as any)).rejects.toThrow(/\$like is not allowed/)
    await expect(f.service.list({ token: { $ne: "x" } } as any)).rejects.toThrow(/\$ne is not allowed/)
    await expect(f.service.list({}, { order: { token: "ASC" } } as any)).rejects.toThrow(/Cannot order by token/)
    expect(titles(await f.service.list({ token: [keys["Storefront EU"].token, keys["Storefront US"].token] }))).toEqual([
      "Storefront EU",
      "Storefront US",
    ])
  })

  it("supports operator maps on dates", async () => {
    const jan2 = new Date(Date.UTC(2024, 0, 2))
    expect(titles(await f.service.list({ created_at: { $gt: jan2 } }))).toEqual(["Backoffice script", "CI deploy"])
    expect(titles(await f.service.list({ created_at: { $gte: jan2.toISOString(), $lt: new Date(Date.UTC(2024, 0, 3)) } }))).toEqual([
      "Storefront US",
    ])
    expect(titles(await f.service.list({ revoked_at: { $gt: new Date() } }))).toEqual(["Backoffice script"])
    expect(titles(await f.service.list({ revoked_at: null }))).toEqual(["CI deploy", "Storefront EU"])
  })

  it("combines filters with $and and $or", async () => {
    const active = await f.service.list({
      $and: [{ type: "secret" }, { $or: [{ revoked_at: null }, { revoked_at: { $gt: new Date() } }] }],
    })
    expect(titles(active)).toEqual(["Backoffice script", "CI deploy"])
    expect(titles(await f.service.list({ $or: [{ title: "CI deploy" }, { created_by: "bob" }] }))).toEqual(["CI deploy", "Storefront US"])
  })

  it("pages with skip and take in the requested order", async () => {
    const order = { created_at: "DESC" } as const
    expect(titles(await f.service.list({}, { take: 2, order }))).toEqual(["Backoffice script", "CI deploy"])
    expect((await f.service.list({}, { skip: 2, take: 2, order })).map((k) => k.title)).toEqual(["Storefront US", "Storefront EU"])
    const [page, count] = await f.service.listAndCount({ type: "publishable" }, { take: 1 })
    expect([page.length, count]).toEqual([1, 2])
    expect(await f.service.list({}, { take: 0 })).toEqual([])
  })

  it.each([
    [{ colour: "red" }, /Unknown filter colour/],
    [{ created_at: { $regex: "x" } }, /Unsupported operator \$regex on filter created_at/],
    [{ created_at: { $gt: "not a date" } }, /Filter created_at expects a date/],
    [{ type: "admin" }, /Filter type must be "publishable" or "secret"/],
    [{ salt: "x" }, /Unknown filter salt/],
    [{ $or: { title: "x" } }, /\$or expects an array/],
  ])("rejects the filter %j with invalid_data", async (filters, message) => {
    const error = await f.service.list(filters as any).catch((e) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toMatch(message)
  })

  it.each([
    [{ take: -1 }, /take must be a whole number/],
    [{ skip: 1.5 }, /skip must be a whole number/],
    [{ order: { salt: "ASC" } }, /Cannot order by salt/],
    [{ order: { title: "sideways" } }, /must be ASC or DESC/],
    [{ select: ["token_lookup"] }, /Cannot select token_lookup/],
  ])("rejects the find-config %j with invalid_data", async (config, message) => {
    const error = await f.service.list({}, config as any).catch((e) => e)
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toMatch(message)
  })

  it("never widens a selector-based update or revoke because of a typo in the selector", async () => {
    await expect(f.service.update({ titel: "CI deploy" } as any, { title: "x" })).rejects.toThrow(/Unknown filter titel/)
    await expect(f.service.revoke({ typ: "secret" } as any)).rejects.toThrow(/Unknown filter typ/)
    expect(titles(await f.service.list({ title: "x" }))).toEqual([])
  })
})
