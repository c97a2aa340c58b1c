import { MikroORM } from "@mikro-orm/postgresql"
import { ApiKey, MedusaError } from "../src"
import { expectMedusaError } from "./setup/expect"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

/** Both naming eras must behave identically: every test below runs once per naming. */
const NAMINGS = [
  {
    era: "seed names",
    create: "create",
    list: "list",
    listAndCount: "listAndCount",
    retrieve: "retrieve",
    update: "update",
    upsert: "upsert",
    delete: "delete",
    softDelete: "softDelete",
    restore: "restore",
  },
  {
    era: "…ApiKeys names",
    create: "createApiKeys",
    list: "listApiKeys",
    listAndCount: "listAndCountApiKeys",
    retrieve: "retrieveApiKey",
    update: "updateApiKeys",
    upsert: "upsertApiKeys",
    delete: "deleteApiKeys",
    softDelete: "softDeleteApiKeys",
    restore: "restoreApiKeys",
  },
] as const


describe.each(NAMINGS)("ApiKeyModuleService ($era)", (names) => {
  let f: ModuleFixture
  // Calls the method under the naming being tested.
  const call = (method: keyof typeof names, ...args: unknown[]): Promise<any> => (f.service as any)[names[method]](...args)

  beforeAll(async () => {
    f = await setupApiKeyModule()
  })
  afterAll(async () => {
    await f.close()
  })
  beforeEach(async () => {
    await f.query("delete from api_key")
  })

  describe("create", () => {
    it("returns a publishable key with its token, which is stored as is", async () => {
      const key = await call("create", { title: "Storefront", type: "publishable", created_by: "user_1" })
      expect(key).toEqual(
        expect.objectContaining({
          id: expect.stringMatching(/^apk_[0-9A-HJKMNP-TV-Z]{26}$/),
          token: expect.stringMatching(/^pk_[0-9a-f]{64}$/),
          title: "Storefront",
          type: "publishable",
          created_by: "user_1",
          revoked_at: null,
          revoked_by: null,
          last_used_at: null,
          deleted_at: null,
        })
      )
      expect(key.redacted).toBe(`${key.token.slice(0, 6)}***${key.token.slice(-3)}`)
      const [row] = await f.query("select token, salt, token_lookup from api_key where id = $1", [key.id])
      expect(row).toEqual({ token: key.token, salt: "", token_lookup: null })
    })

    it("returns a secret key's raw token once and stores only a scrypt hash of it", async () => {
      const key = await call("create", { title: "Admin", type: "secret", created_by: "user_1" })
      expect(key.token).toMatch(/^sk_[0-9a-f]{64}$/)
      // As on Medusa's create results: the key `salt` is there, its value never is (JSON drops it).
      expect(key).toHaveProperty("salt", undefined)
      expect(JSON.parse(JSON.stringify(key))).not.toHaveProperty("salt")
      const [row] = await f.query("select token, salt, redacted, token_lookup from api_key where id = $1", [key.id])
      expect(row.token).not.toContain(key.token.slice(3))
      expect(Buffer.from(row.token, "base64").subarray(0, 6).toString()).toBe("scrypt")
      expect(row.salt).toMatch(/^[0-9a-f]{64}$/)
      expect(row.redacted).toBe(`${key.token.slice(0, 6)}***${key.token.slice(-3)}`)
      // The lookup digest is not the token either.
      expect(row.token_lookup).toMatch(/^[0-9a-f]{64}$/)
      expect(row.token_lookup).not.toContain(key.token.slice(3))
    })

    it("accepts an array and returns an array in the same order", async () => {
      const keys = await call("create", [
        { title: "one", type: "publishable", created_by: "u" },
        { title: "two", type: "secret", created_by: "u" },
        { title: "three", type: "secret", created_by: "u" },
      ])
      expect(keys.map((k: any) => k.title)).toEqual(["one", "two", "three"])
      expect(keys[1].token).toMatch(/^sk_/)
      expect(keys[2].token).toMatch(/^sk_/)
      expect(new Set(keys.map((k: any) => k.token)).size).toBe(3)
    })

    it("allows many active secret keys when no limit is configured", async () => {
      await call("create", { title: "a", type: "secret", created_by: "u" })
      await call("create", { title: "b", type: "secret", created_by: "u" })
      expect(await call("list", { type: "secret" })).toHaveLength(2)
    })

    it.each([
      [{ type: "secret", created_by: "u" }, /title must be a non-empty string; it is missing/],
      [{ title: 5, type: "secret", created_by: "u" }, /title must be a non-empty string; got 5/],
      [{ title: "t", type: "admin", created_by: "u" }, /type must be "publishable" or "secret"; got "admin"/],
      [{ title: "t", type: "secret" }, /created_by must be a non-empty string; it is missing/],
      ["not an object", /must be an object/],
    ])("rejects %j with invalid_data naming the field", async (input, message) => {
      await expectMedusaError(call("create", input), MedusaError.Types.INVALID_DATA, message)
    })

    it("writes nothing when one key of a batch is invalid", async () => {
      await expectMedusaError(
        call("create", [
          { title: "ok", type: "publishable", created_by: "u" },
          { title: "bad", type: "nope", created_by: "u" },
        ]),
        MedusaError.Types.INVALID_DATA,
        /\(api key at index 1\)/
      )
      expect(await f.query("select id from api_key")).toHaveLength(0)
    })
  })

  describe("reads", () => {
    it("shows secret keys with an empty token and publishable keys with theirs", async () => {
      const [pk, sk] = await call("create", [
        { title: "p", type: "publishable", created_by: "u" },
        { title: "s", type: "secret", created_by: "u" },
      ])
      const listed = await call("list", {})
      expect(listed.find((k: any) => k.id === pk.id).token).toBe(pk.token)
      expect(listed.find((k: any) => k.id === sk.id).token).toBe("")
      expect((await call("retrieve", sk.id)).token).toBe("")
      for (const key of listed) expect(key).not.toHaveProperty("salt")
    })

    it("retrieves a key by id", async () => {
      const key = await call("create", { title: "p", type: "publishable", created_by: "u" })
      expect(await call("retrieve", key.id)).toEqual(key)
    })

    it("throws not_found for a missing id", async () => {
      await expectMedusaError(call("retrieve", "apk_x"), MedusaError.Types.NOT_FOUND, "ApiKey with id: apk_x was not found")
    })

    it("rejects an empty id", async () => {
      await expectMedusaError(call("retrieve", ""), MedusaError.Types.INVALID_DATA, /"id" must be a non-empty string/)
    })

    it("lists and counts, with the count ignoring paging", async () => {
      await call(
        "create",
        Array.from({ length: 5 }, (_, i) => ({ title: `k${i}`, type: "publishable", created_by: "u" }))
      )
      const [page, count] = await call("listAndCount", {}, { skip: 1, take: 2, order: { title: "ASC" } })
      expect(count).toBe(5)
      expect(page.map((k: any) => k.title)).toEqual(["k1", "k2"])
    })

    it("returns only the selected fields", async () => {
      const key = await call("create", { title: "p", type: "secret", created_by: "u" })
      const [listed] = await call("list", { id: key.id }, { select: ["id", "title", "token"] })
      expect(listed).toEqual({ id: key.id, title: "p", token: "" })
    })

    it("refuses to select salt", async () => {
      await expectMedusaError(call("list", {}, { select: ["salt"] }), MedusaError.Types.INVALID_DATA, /Cannot select salt/)
    })
  })

  describe("update", () => {
    it("changes the title only and ignores other fields", async () => {
      const key = await call("create", { title: "old", type: "publishable", created_by: "u" })
      const updated = await call("update", key.id, { title: "new", type: "secret", token: "pk_x", created_by: "evil" })
      expect(updated).toEqual(expect.objectContaining({ id: key.id, title: "new", type: "publishable", token: key.token, created_by: "u" }))
      expect(updated.updated_at.getTime()).toBeGreaterThanOrEqual(key.updated_at.getTime())
      expect((await call("retrieve", key.id)).title).toBe("new")
    })

    it("updates every key a selector matches and returns an array", async () => {
      await call("create", [
        { title: "a", type: "publishable", created_by: "u" },
        { title: "b", type: "publishable", created_by: "u" },
        { title: "c", type: "secret", created_by: "u" },
      ])
      const updated = await call("update", { type: "publishable" }, { title: "renamed" })
      expect(updated).toHaveLength(2)
      expect((await call("list", { title: "renamed" })).map((k: any) => k.type)).toEqual(["publishable", "publishable"])
    })

    it("accepts { id, title } and an array of them, returning the same shape", async () => {
      const [a, b] = await call("create", [
        { title: "a", type: "publishable", created_by: "u" },
        { title: "b", type: "publishable", created_by: "u" },
      ])
      const one = await call("update", { id: a.id, title: "A" })
      expect(one.title).toBe("A")
      const many = await call("update", [
        { id: a.id, title: "AA" },
        { id: b.id, title: "BB" },
      ])
      expect(many.map((k: any) => k.title)).toEqual(["AA", "BB"])
    })

    it("throws not_found for a missing id and changes nothing", async () => {
      const a = await call("create", { title: "a", type: "publishable", created_by: "u" })
      await expectMedusaError(
        call("update", [
          { id: a.id, title: "changed" },
          { id: "apk_missing", title: "x" },
        ]),
        MedusaError.Types.NOT_FOUND,
        "ApiKey with id: apk_missing was not found"
      )
      expect((await call("retrieve", a.id)).title).toBe("a")
    })

    it("rejects an empty title", async () => {
      const a = await call("create", { title: "a", type: "publishable", created_by: "u" })
      await expectMedusaError(call("update", a.id, { title: "" }), MedusaError.Types.INVALID_DATA, /title must be a non-empty string/)
    })
  })

  describe("upsert", () => {
    it("updates items with an id and creates the others", async () => {
      const existing = await call("create", { title: "old", type: "publishable", created_by: "u" })
      const [updated, created] = await call("upsert", [
        { id: existing.id, title: "new" },
        { title: "fresh", type: "secret", created_by: "u" },
      ])
      expect(updated).toEqual(expect.objectContaining({ id: existing.id, title: "new" }))
      expect(created.token).toMatch(/^sk_/)
      expect(await call("list", {})).toHaveLength(2)
    })

    it("returns one object for one object", async () => {
      const created = await call("upsert", { title: "one", type: "publishable", created_by: "u" })
      expect(created.title).toBe("one")
    })

    it("writes nothing when an update in the batch targets a missing key", async () => {
      await expectMedusaError(
        call("upsert", [
          { title: "fresh", type: "publishable", created_by: "u" },
          { id: "apk_gone", title: "x" },
        ]),
        MedusaError.Types.NOT_FOUND,
        /apk_gone/
      )
      expect(await call("list", {})).toHaveLength(0)
    })
  })

  describe("revoke", () => {
    it("revokes now, recording who revoked", async () => {
      const key = await call("create", { title: "s", type: "secret", created_by: "u" })
      const before = Date.now()
      const revoked = await f.service.revoke(key.id, { revoked_by: "admin_1" })
      expect(revoked.id).toBe(key.id)
      expect(revoked.revoked_by).toBe("admin_1")
      expect(revoked.revoked_at!.getTime()).toBeGreaterThanOrEqual(before - 1000)
      expect(revoked.revoked_at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
      expect(revoked.token).toBe("")
    })

    it("accepts a bare id, as the seed calls it, storing revoked_by as null", async () => {
      const key = await call("create", { title: "s", type: "secret", created_by: "u" })
      const revoked = await f.service.revoke(key.id)
      expect(revoked.revoked_by).toBeNull()
      expect(revoked.revoked_at).toBeInstanceOf(Date)
    })

    it("schedules the revocation revoke_in seconds ahead", async () => {
      const key = await call("create", { title: "s", type: "secret", created_by: "u" })
      const revoked = await f.service.revoke(key.id, { revoked_by: "a", revoke_in: 3600 })
      const expected = Date.now() + 3600_000
      expect(Math.abs(revoked.revoked_at!.getTime() - expected)).toBeLessThan(5000)
      expect(await f.service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
    })

    it("refuses to revoke secret keys that are already revoked", async () => {
      const [a, b] = await call("create", [
        { title: "a", type: "secret", created_by: "u" },
        { title: "b", type: "secret", created_by: "u" },
      ])
      await f.service.revoke([a.id, b.id], { revoked_by: "x" })
      await expectMedusaError(
        f.service.revoke({ id: [a.id, b.id] }, { revoked_by: "x" }),
        MedusaError.Types.INVALID_DATA,
        "There are 2 secret keys that are already revoked."
      )
    })

    it("lets a scheduled revocation be brought forward", async () => {
      const key = await call("create", { title: "s", type: "secret", created_by: "u" })
      await f.service.revoke(key.id, { revoke_in: 3600 })
      const now = await f.service.revoke(key.id, { revoked_by: "a" })
      expect(now.revoked_at!.getTime()).toBeLessThanOrEqual(Date.now())
      expect(await f.service.authenticate(key.token)).toBe(false)
    })

    it("revokes every key a selector matches and returns an array; an empty match revokes nothing", async () => {
      await call("create", [
        { title: "p1", type: "publishable", created_by: "u" },
        { title: "p2", type: "publishable", created_by: "u" },
      ])
      const revoked = await f.service.revoke({ type: "publishable" }, { revoked_by: "x" })
      expect(revoked).toHaveLength(2)
      expect(await f.service.revoke({ title: "nothing" }, { revoked_by: "x" })).toEqual([])
      expect(await f.service.revoke([], { revoked_by: "x" })).toEqual([])
    })

    it("serialises concurrent revokes: an immediate revocation is never pushed into the future", async () => {
      for (let round = 0; round < 5; round++) {
        const key = await call("create", { title: `race ${round}`, type: "secret", created_by: "u" })
        await Promise.allSettled([
          f.service.revoke({ id: key.id }, { revoked_by: "now" }),
          f.service.revoke({ id: key.id }, { revoked_by: "later", revoke_in: 3600 }),
        ])
        const stored = await call("retrieve", key.id)
        expect(stored.revoked_at.getTime()).toBeLessThanOrEqual(Date.now())
        expect(await f.service.authenticate(key.token)).toBe(false)
      }
    })

    it("throws not_found for an unknown id", async () => {
      await expectMedusaError(f.service.revoke("apk_nope"), MedusaError.Types.NOT_FOUND, "ApiKey with id: apk_nope was not found")
    })

    it.each([[{ revoke_in: -1 }], [{ revoke_in: "soon" }], [{ revoked_by: 42 }]])("rejects bad options %j", async (options) => {
      const key = await call("create", { title: "s", type: "secret", created_by: "u" })
      await expectMedusaError(f.service.revoke(key.id, options as any), MedusaError.Types.INVALID_DATA, /revoke_in|revoked_by/)
      expect((await call("retrieve", key.id)).revoked_at).toBeNull()
    })
  })

  describe("delete, soft delete and restore", () => {
    it("refuses to delete keys that are not revoked, naming them, and deletes nothing", async () => {
      const [a, b, c] = await call("create", [
        { title: "a", type: "secret", created_by: "u" },
        { title: "b", type: "publishable", created_by: "u" },
        { title: "c", type: "publishable", created_by: "u" },
      ])
      await f.service.revoke(c.id)
      const ids = [a.id, b.id].sort()
      await expectMedusaError(
        call("delete", [a.id, b.id, c.id]),
        MedusaError.Types.NOT_ALLOWED,
        `Cannot delete api keys that are not revoked - ${ids.join(", ")}`
      )
      expect(await f.query("select id from api_key")).toHaveLength(3)
    })

    it("treats a key revoked only in the future as not revoked", async () => {
      const a = await call("create", { title: "a", type: "secret", created_by: "u" })
      await f.service.revoke(a.id, { revoke_in: 60 })
      await expectMedusaError(call("delete", a.id), MedusaError.Types.NOT_ALLOWED, `Cannot delete api keys that are not revoked - ${a.id}`)
    })

    it("removes revoked keys outright", async () => {
      const a = await call("create", { title: "a", type: "secret", created_by: "u" })
      await f.service.revoke(a.id)
      await call("delete", a.id)
      expect(await f.query("select id from api_key")).toHaveLength(0)
      expect(await call("list", {}, { withDeleted: true })).toHaveLength(0)
    })

    it("soft deletes: hidden from reads unless withDeleted, and restorable", async () => {
      const a = await call("create", { title: "a", type: "publishable", created_by: "u" })
      await call("softDelete", [a.id])
      expect(await call("list", {})).toHaveLength(0)
      await expectMedusaError(call("retrieve", a.id), MedusaError.Types.NOT_FOUND, `ApiKey with id: ${a.id} was not found`)
      const [withDeleted] = await call("list", {}, { withDeleted: true })
      expect(withDeleted.deleted_at).toBeInstanceOf(Date)
      await call("restore", a.id)
      expect((await call("retrieve", a.id)).deleted_at).toBeNull()
    })

    it("does not authenticate a soft-deleted secret key, and does again once restored", async () => {
      const a = await call("create", { title: "a", type: "secret", created_by: "u" })
      await call("softDelete", a.id)
      expect(await f.service.authenticate(a.token)).toBe(false)
      await call("restore", a.id)
      expect(await f.service.authenticate(a.token)).toEqual(expect.objectContaining({ id: a.id }))
    })
  })
})

describe("transactions through sharedContext", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule()
  })
  afterAll(async () => {
    await f.close()
  })

  it("rolls back every call made with the caller's transaction when it fails", async () => {
    // The caller's own ORM on the same database: a transaction the module did not open.
    const orm = await MikroORM.init({ clientUrl: f.database.url, entities: [ApiKey.entity], discovery: { warnWhenNoEntities: false } })
    try {
      await expect(
        orm.em.fork().transactional(async (em) => {
          const context = { transactionManager: em }
          const key = await f.service.create({ title: "tx", type: "publishable", created_by: "u" }, context)
          await f.service.update(key.id, { title: "tx2" }, context)
          expect((await f.service.retrieve(key.id, {}, context)).title).toBe("tx2")
          throw new Error("abort")
        })
      ).rejects.toThrow("abort")
    } finally {
      await orm.close(true)
    }
    expect(await f.service.list({ title: { $in: ["tx", "tx2"] } })).toHaveLength(0)
  })
})
