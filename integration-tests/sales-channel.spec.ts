import { expectMedusaError } from "./setup/expect"
import { initialize, revertMigration, runMigrations, type SalesChannelModuleService } from "../src/modules/sales-channel"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"

/** Both naming eras must behave identically: the module tests below run once per naming. */
const NAMINGS = [
  {
    era: "short names",
    create: "create",
    list: "list",
    listAndCount: "listAndCount",
    retrieve: "retrieve",
    update: "update",
    delete: "delete",
    softDelete: "softDelete",
    restore: "restore",
  },
  {
    era: "…SalesChannels names",
    create: "createSalesChannels",
    list: "listSalesChannels",
    listAndCount: "listAndCountSalesChannels",
    retrieve: "retrieveSalesChannel",
    update: "updateSalesChannels",
    delete: "deleteSalesChannels",
    softDelete: "softDeleteSalesChannels",
    restore: "restoreSalesChannels",
  },
] as const


describe.each(NAMINGS)("SalesChannelModuleService ($era)", (names) => {
  let database: TestDatabase
  let service: SalesChannelModuleService
  const call = (method: keyof typeof names, ...args: unknown[]): Promise<any> => (service as any)[names[method]](...args)
  const query = (sql: string, params?: unknown[]) => queryDatabase(database.url, sql, params)

  beforeAll(async () => {
    database = await createTestDatabase("salesch")
    const options = { database: { clientUrl: database.url } }
    await runMigrations({ options })
    service = await initialize(options)
  })
  afterAll(async () => {
    await service.onApplicationShutdown()
    await database.drop()
  })
  beforeEach(async () => {
    await query("delete from sales_channel")
  })

  describe("create", () => {
    it("creates a channel with an sc_ id, no description and enabled by default", async () => {
      const channel = await call("create", { name: "Webshop" })
      expect(channel).toEqual({
        id: expect.stringMatching(/^sc_[0-9A-HJKMNP-TV-Z]{26}$/),
        name: "Webshop",
        description: null,
        is_disabled: false,
        created_at: expect.any(Date),
        updated_at: expect.any(Date),
        deleted_at: null,
      })
      const rows = await query("select name, description, is_disabled from sales_channel where id = $1", [channel.id])
      expect(rows).toEqual([{ name: "Webshop", description: null, is_disabled: false }])
    })

    it("creates several channels in one call and returns them in the order given", async () => {
      const channels = await call("create", [
        { name: "B2B", description: "Wholesale", is_disabled: true },
        { name: "App" },
      ])
      expect(channels.map((c: any) => [c.name, c.description, c.is_disabled])).toEqual([
        ["B2B", "Wholesale", true],
        ["App", null, false],
      ])
    })

    it("refuses a channel without a name, saying which field is wrong", async () => {
      await expectMedusaError(call("create", { description: "x" }), "invalid_data", "name must be a non-empty string; it is missing")
      await expectMedusaError(call("create", { name: "  " }), "invalid_data", 'name must be a non-empty string; got "  "')
    })

    it("refuses bad field types and unknown fields, and stores nothing from a bad batch", async () => {
      await expectMedusaError(
        call("create", [{ name: "Ok" }, { name: "Bad", is_disabled: "yes" }]),
        "invalid_data",
        'is_disabled must be true or false (sales channel at index 1); got "yes"'
      )
      await expectMedusaError(call("create", { name: "Web", description: 5 }), "invalid_data", "description must be a string or null; got 5")
      await expectMedusaError(call("create", { name: "Web", metadata: {} }), "invalid_data", /^Unknown field metadata; a sales channel has name, description, is_disabled$/)
      expect(await query("select id from sales_channel")).toEqual([])
    })
  })

  describe("retrieve", () => {
    it("returns the channel with the given id", async () => {
      const channel = await call("create", { name: "Webshop" })
      expect(await call("retrieve", channel.id)).toEqual(channel)
    })

    it("fails with not_found naming the id when there is no such channel", async () => {
      await expectMedusaError(call("retrieve", "sc_missing"), "not_found", "SalesChannel with id: sc_missing was not found")
    })
  })

  describe("list", () => {
    let web: any, app: any, b2b: any
    beforeEach(async () => {
      // One call each: rows created in one call share created_at, and only then does id decide.
      web = await call("create", { name: "Webshop", description: "The main store" })
      app = await call("create", { name: "Mobile app", description: "iOS and Android 100%" })
      b2b = await call("create", { name: "B2B", description: "Wholesale", is_disabled: true })
    })

    it("lists every channel, oldest first", async () => {
      expect((await call("list")).map((c: any) => c.name)).toEqual(["Webshop", "Mobile app", "B2B"])
    })

    it("filters by one id or several ids", async () => {
      expect((await call("list", { id: app.id })).map((c: any) => c.id)).toEqual([app.id])
      expect((await call("list", { id: [b2b.id, web.id] })).map((c: any) => c.id)).toEqual([web.id, b2b.id])
    })

    it("filters by name and by is_disabled", async () => {
      expect((await call("list", { name: "B2B" })).map((c: any) => c.id)).toEqual([b2b.id])
      expect((await call("list", { is_disabled: false })).map((c: any) => c.id)).toEqual([web.id, app.id])
      expect((await call("list", { is_disabled: true, name: ["B2B", "Webshop"] })).map((c: any) => c.id)).toEqual([b2b.id])
    })

    it("searches name and description case-insensitively with q, taking % literally", async () => {
      expect((await call("list", { q: "WHOLE" })).map((c: any) => c.id)).toEqual([b2b.id])
      expect((await call("list", { q: "shop" })).map((c: any) => c.id)).toEqual([web.id])
      expect((await call("list", { q: "100%" })).map((c: any) => c.id)).toEqual([app.id])
      expect(await call("list", { q: "%" })).toHaveLength(1)
    })

    it("pages, orders and selects fields, and counts every match", async () => {
      const [page, count] = await call("listAndCount", {}, { order: { name: "ASC" }, skip: 1, take: 1 })
      expect(count).toBe(3)
      expect(page.map((c: any) => c.name)).toEqual(["Mobile app"])
      const selected = await call("list", { id: web.id }, { select: ["name"] })
      expect(selected).toEqual([{ name: "Webshop" }])
    })

    it("refuses unknown filters, bad filter values and bad find-config with invalid_data", async () => {
      await expectMedusaError(call("list", { title: "x" }), "invalid_data", "Unknown filter title; filter sales channels by q, id, name, description, is_disabled, created_at, updated_at, deleted_at, $and, $or")
      await expectMedusaError(call("list", { is_disabled: "true" }), "invalid_data", 'Filter is_disabled expects true or false, got "true"')
      await expectMedusaError(call("list", { id: [1] }), "invalid_data", "Filter id expects a string or an array of strings, got 1")
      await expectMedusaError(call("list", {}, { select: ["secret"] }), "invalid_data", /^Cannot select secret;/)
      await expectMedusaError(call("list", {}, { order: { nope: "ASC" } }), "invalid_data", /^Cannot order by nope;/)
      await expectMedusaError(call("listAndCount", {}, { take: -1 }), "invalid_data", "take must be a whole number of 0 or more")
    })
  })

  describe("update", () => {
    it("updates one channel by id and returns it", async () => {
      const channel = await call("create", { name: "Webshop", description: "old" })
      const updated = await call("update", channel.id, { name: "Web", description: null, is_disabled: true })
      expect(updated).toMatchObject({ id: channel.id, name: "Web", description: null, is_disabled: true })
      expect(updated.updated_at.getTime()).toBeGreaterThanOrEqual(channel.updated_at.getTime())
    })

    it("updates every channel a selector matches and returns them", async () => {
      const [a, b, c] = await call("create", [{ name: "A" }, { name: "B" }, { name: "C", is_disabled: true }])
      const updated = await call("update", { is_disabled: false }, { description: "enabled" })
      expect(updated.map((x: any) => x.id).sort()).toEqual([a.id, b.id].sort())
      expect(updated.every((x: any) => x.description === "enabled")).toBe(true)
      expect((await call("retrieve", c.id)).description).toBeNull()
    })

    it("updates from { id, ... } and from an array of them", async () => {
      const [a, b] = await call("create", [{ name: "A" }, { name: "B" }])
      expect(await call("update", { id: a.id, name: "A2" })).toMatchObject({ id: a.id, name: "A2" })
      const many = await call("update", [
        { id: b.id, is_disabled: true },
        { id: a.id, description: "first" },
      ])
      expect(many.map((x: any) => [x.id, x.name, x.description, x.is_disabled])).toEqual([
        [b.id, "B", null, true],
        [a.id, "A2", "first", false],
      ])
    })

    it("fails with not_found for unknown ids and changes nothing", async () => {
      const a = await call("create", { name: "A" })
      await expectMedusaError(call("update", [{ id: a.id, name: "A2" }, { id: "sc_nope", name: "X" }]), "not_found", "SalesChannel with id: sc_nope was not found")
      expect((await call("retrieve", a.id)).name).toBe("A")
    })

    it("refuses an empty name or an unknown field", async () => {
      const a = await call("create", { name: "A" })
      await expectMedusaError(call("update", a.id, { name: "" }), "invalid_data", 'name must be a non-empty string; got ""')
      await expectMedusaError(call("update", { id: a.id, title: "x" }), "invalid_data", /^Unknown field title/)
    })
  })

  describe("delete, softDelete and restore", () => {
    it("softDelete hides a channel from reads unless withDeleted, and restore brings it back", async () => {
      const [a, b] = await call("create", [{ name: "A" }, { name: "B" }])
      await call("softDelete", [a.id])
      expect((await call("list")).map((c: any) => c.id)).toEqual([b.id])
      await expectMedusaError(call("retrieve", a.id), "not_found", `SalesChannel with id: ${a.id} was not found`)
      const withDeleted = await call("list", {}, { withDeleted: true })
      expect(withDeleted.find((c: any) => c.id === a.id).deleted_at).toBeInstanceOf(Date)
      await call("restore", a.id)
      expect((await call("retrieve", a.id)).deleted_at).toBeNull()
    })

    it("delete removes the rows; unknown ids are ignored", async () => {
      const [a, b] = await call("create", [{ name: "A" }, { name: "B" }])
      await call("delete", [a.id, "sc_unknown"])
      expect(await query("select id from sales_channel")).toEqual([{ id: b.id }])
    })

    it("refuses ids that are not strings", async () => {
      await expectMedusaError(call("delete", [42]), "invalid_data", "delete expects a sales channel id or an array of ids; got 42")
    })
  })
})

describe("sales channel migrations", () => {
  let database: TestDatabase
  const tables = async () =>
    (
      await queryDatabase(
        database.url,
        "select table_name from information_schema.tables where table_schema = 'public' and table_name in ('sales_channel', 'publishable_api_key_sales_channel') order by table_name"
      )
    ).map((r) => r.table_name)

  beforeAll(async () => {
    database = await createTestDatabase("salesch_mig")
  })
  afterAll(async () => {
    await database.drop()
  })

  it("go up, down and up again, recorded in sales_channel_migrations, and leave the link table to the links", async () => {
    const options = { database: { clientUrl: database.url } }
    const names = ["Migration20240110090331_create_sales_channel"]
    expect(await runMigrations({ options })).toEqual(names)
    expect(await tables()).toEqual(["sales_channel"])
    expect(await runMigrations({ options })).toEqual([])

    expect(await revertMigration({ options, step: 0 })).toEqual(names)
    expect(await tables()).toEqual([])

    expect(await runMigrations({ options })).toEqual(names)
    const recorded = await queryDatabase(database.url, "select name from sales_channel_migrations order by id")
    expect(recorded.map((r) => r.name)).toEqual(names)
  })
})
