import { MedusaError, initialize } from "../src"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

const ONE_AT_A_TIME = "You can only create one secret key at a time. You tried to create 2 secret keys."
const ONE_ACTIVE = "You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."

describe("the optional one-active-secret-key rule", () => {
  describe("per store, max 1 (Medusa's old rule)", () => {
    let f: ModuleFixture
    beforeAll(async () => {
      f = await setupApiKeyModule({ secretKeyLimit: { max: 1, per: "store" } })
    })
    afterAll(async () => {
      await f.close()
    })
    beforeEach(async () => {
      await f.query("delete from api_key")
    })

    it("refuses two secret keys in one call with Medusa's message", async () => {
      const error = await f.service
        .create([
          { title: "a", type: "secret", created_by: "u" },
          { title: "b", type: "secret", created_by: "v" },
        ])
        .catch((e) => e)
      expect(error).toBeInstanceOf(MedusaError)
      expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
      expect(error.message).toBe(ONE_AT_A_TIME)
      expect(await f.query("select id from api_key")).toHaveLength(0)
    })

    it("refuses another secret key while one is active, whoever creates it", async () => {
      await f.service.create({ title: "a", type: "secret", created_by: "u" })
      await expect(f.service.create({ title: "b", type: "secret", created_by: "v" })).rejects.toThrow(ONE_ACTIVE)
    })

    it("counts a key revoked in the future as active, and allows a new one once the old is revoked", async () => {
      const first = await f.service.create({ title: "a", type: "secret", created_by: "u" })
      await f.service.revoke(first.id, { revoke_in: 60 })
      await expect(f.service.create({ title: "b", type: "secret", created_by: "u" })).rejects.toThrow(ONE_ACTIVE)
      await f.service.revoke(first.id)
      await expect(f.service.create({ title: "b", type: "secret", created_by: "u" })).resolves.toEqual(expect.objectContaining({ title: "b" }))
    })

    it("counts a restored secret key against the limit", async () => {
      const first = await f.service.create({ title: "a", type: "secret", created_by: "u" })
      await f.service.softDelete(first.id)
      await f.service.create({ title: "b", type: "secret", created_by: "u" })
      await expect(f.service.restore(first.id)).rejects.toThrow(ONE_ACTIVE)
      expect((await f.service.list({}, { withDeleted: true })).find((k) => k.id === first.id)!.deleted_at).not.toBeNull()
    })

    it("does not limit publishable keys", async () => {
      await f.service.create({ title: "s", type: "secret", created_by: "u" })
      const many = await f.service.create([
        { title: "p1", type: "publishable", created_by: "u" },
        { title: "p2", type: "publishable", created_by: "u" },
      ])
      expect(many).toHaveLength(2)
    })

    it("holds under 20 concurrent creates: exactly one succeeds", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => f.service.create({ title: `race ${i}`, type: "secret", created_by: `user_${i}` }))
      )
      const fulfilled = results.filter((r) => r.status === "fulfilled")
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected")
      expect(fulfilled).toHaveLength(1)
      expect(rejected).toHaveLength(19)
      for (const r of rejected) expect(r.reason.message).toBe(ONE_ACTIVE)
      const [{ count }] = await f.query("select count(*)::int as count from api_key where type = 'secret'")
      expect(count).toBe(1)
    })

    it("holds across two module instances on the same database", async () => {
      const other = await initialize({ database: { clientUrl: f.database.url }, scrypt: { logN: 10 }, secretKeyLimit: { max: 1, per: "store" } })
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? other : f.service).create({ title: `x${i}`, type: "secret", created_by: "u" }))
        )
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1)
      } finally {
        await other.onApplicationShutdown()
      }
    })
  })

  describe("per created_by, max 2", () => {
    let f: ModuleFixture
    beforeAll(async () => {
      f = await setupApiKeyModule({ secretKeyLimit: { max: 2, per: "created_by" } })
    })
    afterAll(async () => {
      await f.close()
    })

    it("limits each creator separately, also under 20 concurrent creates", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => f.service.create({ title: `k${i}`, type: "secret", created_by: i % 2 ? "alice" : "bob" }))
      )
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4)
      for (const r of results) {
        if (r.status === "rejected") expect(r.reason.message).toMatch(/^You can only have 2 active secret keys at a time/)
      }
      const rows = await f.query("select created_by, count(*)::int as n from api_key group by created_by order by created_by")
      expect(rows).toEqual([
        { created_by: "alice", n: 2 },
        { created_by: "bob", n: 2 },
      ])
      const error = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason
      expect(error.message).toBe("You can only have 2 active secret keys at a time. Revoke or delete an existing key before creating a new one.")
    })

    it("refuses a single call creating more than the limit for one creator", async () => {
      await expect(
        f.service.create([1, 2, 3].map((i) => ({ title: `c${i}`, type: "secret" as const, created_by: "carol" })))
      ).rejects.toThrow("You can only create 2 secret keys at a time. You tried to create 3 secret keys.")
    })
  })

  it.each([[{ max: 0, per: "store" }], [{ max: 1, per: "team" }], [{ max: 1.5, per: "store" }], ["yes"]])(
    "rejects the option %j when the module starts",
    async (secretKeyLimit) => {
      const error = await initialize({ database: { clientUrl: "postgres://nowhere:1/x" }, secretKeyLimit: secretKeyLimit as any }).catch((e) => e)
      expect(error).toBeInstanceOf(MedusaError)
      expect(error.message).toMatch(/secretKeyLimit must be/)
    }
  )
})
