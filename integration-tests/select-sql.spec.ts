import fc from "fast-check"
import type { MikroORM } from "@mikro-orm/postgresql"
import { ApiKey } from "../src/modules/api-key"
import { connectModuleOrm, closeModuleOrm, moduleQueryCount, queryPooled, selectRows } from "../src/framework/modules-sdk/database"
import { ModelRepository } from "../src/framework/modules-sdk/service"
import { compileCount, compileSelect } from "../src/framework/modules-sdk/service/select-sql"
import { selectManager } from "../src/framework/modules-sdk/transactions"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

/**
 * The generic repository compiles common conditions to SQL itself instead of asking MikroORM's
 * query builder (select-sql.ts). Whatever it compiles must read exactly what the builder reads:
 * the same rows, in the same order, with the same values (timestamps as Dates, nulls as null).
 * The builder is the oracle here, on a real table with rows that tell the operators apart.
 */

type Where = Record<string, unknown>
type Options = { fields?: string[]; orderBy?: Record<string, "asc" | "desc">; limit?: number; offset?: number }

const DAY = 24 * 3600 * 1000
const BASE = Date.UTC(2024, 0, 1)
const at = (days: number) => new Date(BASE + days * DAY)

const ROWS = [
  { id: "apk_a", token: "pk_a", salt: "", redacted: "pk_a***aaa", title: "Storefront EU", type: "publishable", created_by: "alice", revoked_by: null, revoked_at: null, last_used_at: at(3), created_at: at(0), deleted_at: null },
  { id: "apk_b", token: "hash_b", salt: "s", redacted: "sk_b***bbb", title: "CI deploy", type: "secret", created_by: "bob", revoked_by: "alice", revoked_at: at(2), last_used_at: null, created_at: at(1), deleted_at: null },
  { id: "apk_c", token: "hash_c", salt: "s", redacted: "sk_c***ccc", title: "ci_deploy 100%", type: "secret", created_by: "alice", revoked_by: null, revoked_at: at(400), last_used_at: at(1), created_at: at(2), deleted_at: at(5) },
  { id: "apk_d", token: "pk_d", salt: "", redacted: "pk_d***ddd", title: "O'Brien \"quoted\" \\ back", type: "publishable", created_by: "carol", revoked_by: null, revoked_at: null, last_used_at: null, created_at: at(2), deleted_at: null },
  { id: "apk_e", token: "hash_e", salt: "s", redacted: "sk_e***eee", title: "Storefront US?", type: "secret", created_by: "bob", revoked_by: "bob", revoked_at: at(1), last_used_at: at(2), created_at: at(3), deleted_at: null },
]

const ORDER: Options["orderBy"] = { created_at: "asc", id: "asc" }

describe("compiled selects and counts read what MikroORM's query builder reads", () => {
  let f: ModuleFixture
  let orm: MikroORM
  const repository = new ModelRepository(ApiKey)

  beforeAll(async () => {
    f = await setupApiKeyModule()
    for (const row of ROWS) {
      await f.query(
        `insert into api_key (id, token, salt, redacted, title, type, created_by, revoked_by, revoked_at, last_used_at, created_at, updated_at, deleted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)`,
        [row.id, row.token, row.salt, row.redacted, row.title, row.type, row.created_by, row.revoked_by, row.revoked_at, row.last_used_at, row.created_at, row.deleted_at]
      )
    }
    orm = await connectModuleOrm({ database: { clientUrl: f.database.url }, entities: [ApiKey.entity], migrationsList: [], migrationsTable: "select_sql_test_migrations" })
  })
  afterAll(async () => {
    await closeModuleOrm(orm)
    await f.close()
  })

  /** The query builder's answer: the oracle. */
  async function builderRead(where: Where, options: Options = {}) {
    const qb = orm.em.fork().createQueryBuilder(ApiKey.entity).select((options.fields as any) ?? "*").where(where)
    if (options.orderBy) qb.orderBy(options.orderBy)
    if (options.limit !== undefined) qb.limit(options.limit)
    if (options.offset !== undefined) qb.offset(options.offset)
    return qb.execute("all")
  }

  /** `compiles`: whether the repository must answer without the builder (undefined: either way). */
  async function expectSameRead(where: Where, options: Options = {}, compiles: boolean | undefined = true) {
    const em = orm.em.fork()
    if (compiles !== undefined) expect(compileSelect(em, ApiKey, where, options) !== undefined).toBe(compiles)
    const ours = await repository.select(em, where, options)
    expect(ours).toEqual(await builderRead(where, options))
    // toEqual treats a missing key like an undefined one; the keys themselves must match too.
    expect(ours.map((row) => Object.keys(row).sort())).toEqual((await builderRead(where, options)).map((row: object) => Object.keys(row).sort()))
    // Counting the same condition (what listAndCount adds) agrees too.
    if (compiles !== undefined) expect(compileCount(em, ApiKey, where) !== undefined).toBe(compiles)
    expect(await repository.count(em, where)).toBe(await orm.em.fork().createQueryBuilder(ApiKey.entity).where(where).getCount())
  }

  it("for each operator, null, lists and empty lists", async () => {
    const conditions: Where[] = [
      {},
      { id: "apk_a" },
      { id: "apk_missing" },
      { id: ["apk_a", "apk_c"] },
      { id: [] },
      { id: { $in: ["apk_b", "apk_e"] } },
      { id: { $in: [] } },
      { id: { $nin: ["apk_b"] } },
      { id: { $nin: [] } },
      { title: { $eq: "CI deploy" } },
      { title: { $ne: "CI deploy" } },
      { revoked_by: { $ne: "alice" } },
      { revoked_by: null },
      { revoked_by: { $eq: null } },
      { revoked_by: { $ne: null } },
      { title: { $like: "Storefront%" } },
      { title: { $ilike: "%DEPLOY%" } },
      { title: { $ilike: "%\\%%" } },
      { title: { $ilike: "%\\_%" } },
      { title: "O'Brien \"quoted\" \\ back" },
      { title: "Storefront US?" },
      { title: { $like: "%?" } },
      { revoked_at: { $gt: at(1) } },
      { revoked_at: { $gte: at(1), $lt: at(400) } },
      { revoked_at: { $lte: at(2) } },
      { created_at: at(2) },
      { created_at: { $in: [at(0), at(3)] } },
      { created_at: { $nin: [at(0), at(3)] } },
      { last_used_at: { $ne: at(3) } },
      { type: "secret", created_by: "bob" },
    ]
    for (const where of conditions) await expectSameRead(where, { orderBy: ORDER })
  })

  it("for nested $and / $or, and the conditions the services build", async () => {
    const now = at(3)
    const active = { $or: [{ revoked_at: null }, { revoked_at: { $gt: now } }] }
    const conditions: Where[] = [
      { $and: [{ id: "apk_a" }, { deleted_at: null }] },
      { $or: [{ title: "CI deploy" }, { created_by: "carol" }] },
      { $and: [{ type: "secret" }, { $or: [{ title: { $ilike: "%ci%" } }, { redacted: { $ilike: "%eee%" } }] }] },
      { $or: [{ $and: [{ type: "secret" }, { revoked_by: null }] }, { created_by: "carol" }] },
      { $and: [{ $and: [{ id: "apk_b" }] }] },
      { $or: [{ title: "a", created_by: "alice" }, { title: "CI deploy", created_by: "bob" }] },
      // The authentication lookup, the secret-key limit, the soft-delete scope, the token rule.
      { $and: [{ $or: [{ token_lookup: "x" }, { token_lookup: null, redacted: "sk_b***bbb" }] }, { type: "secret", deleted_at: null }, active] },
      { $and: [{ type: "secret", deleted_at: null, created_by: "bob" }, active] },
      { $and: [{ id: { $in: ["apk_a", "apk_b", "apk_c"] } }, active] },
      { $and: [{ token: "pk_a", type: "publishable" }, { deleted_at: null }] },
      { deleted_at: null },
    ]
    for (const where of conditions) await expectSameRead(where, { orderBy: ORDER })
  })

  it("with selected fields, each order, limit and offset", async () => {
    await expectSameRead({}, { fields: ["id", "title"], orderBy: ORDER })
    await expectSameRead({}, { fields: ["title"], orderBy: { title: "desc" } })
    await expectSameRead({}, { fields: ["id", "revoked_at", "deleted_at"], orderBy: ORDER })
    await expectSameRead({ type: "secret" }, { orderBy: { created_at: "desc", id: "desc" }, limit: 2 })
    await expectSameRead({}, { orderBy: ORDER, limit: 2, offset: 1 })
    await expectSameRead({}, { orderBy: ORDER, offset: 4 })
    await expectSameRead({ id: "apk_a" }, { orderBy: ORDER, limit: 1 })
    await expectSameRead({ id: "apk_a" }, {})
  })

  it("leaves what it does not know to the builder, which reads it as before", async () => {
    // Empty junctions and operator maps mean what MikroORM makes of them; other operators are MikroORM's.
    await expectSameRead({ $or: [] }, { orderBy: ORDER }, false)
    await expectSameRead({ $and: [] }, { orderBy: ORDER }, false)
    await expectSameRead({ $or: [{ id: "apk_a" }, {}] }, { orderBy: ORDER }, false)
    await expectSameRead({ title: { $re: "^CI" } }, { orderBy: ORDER }, false)
    await expectSameRead({ $not: { revoked_at: null } }, { orderBy: ORDER }, false)
  })

  it("for any combination of fields, operators and values drawn from the rows", async () => {
    const text = (field: keyof (typeof ROWS)[number]) => fc.constantFrom(...ROWS.map((r) => r[field] as string | null), "none")
    const date = fc.constantFrom(...[-1, 0, 1, 2, 3, 5, 400, 500].map(at))
    const stringCondition = (field: "id" | "title" | "created_by" | "revoked_by" | "type") =>
      fc.oneof(
        text(field),
        fc.array(text(field).filter((v): v is string => v !== null), { maxLength: 3 }),
        fc.record({ $eq: text(field) }),
        fc.record({ $ne: text(field) }),
        fc.record({ $in: fc.array(text(field).filter((v): v is string => v !== null), { maxLength: 3 }) }),
        fc.record({ $nin: fc.array(text(field).filter((v): v is string => v !== null), { maxLength: 3 }) }),
        fc.record({ $ilike: fc.constantFrom("%s%", "%E%", "CI%", "%?", "%") })
      )
    const dateCondition = fc.oneof(
      date,
      fc.constant(null),
      fc.record({ $gt: date, $lte: date }, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0),
      fc.record({ $gte: date, $lt: date }, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0),
      fc.record({ $eq: fc.oneof(date, fc.constant(null)) }),
      fc.record({ $ne: fc.oneof(date, fc.constant(null)) })
    )
    const leaf = fc.record(
      {
        id: stringCondition("id"),
        title: stringCondition("title"),
        created_by: stringCondition("created_by"),
        revoked_by: stringCondition("revoked_by"),
        type: stringCondition("type"),
        revoked_at: dateCondition,
        deleted_at: dateCondition,
      },
      { requiredKeys: [] }
    )
    const { condition } = fc.letrec((tie) => ({
      condition: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.record({ $and: fc.array(tie("nonEmpty"), { minLength: 1, maxLength: 3 }) }),
        fc.record({ $or: fc.array(tie("nonEmpty"), { minLength: 1, maxLength: 3 }) })
      ),
      nonEmpty: tie("condition").filter((c) => Object.keys(c as object).length > 0),
    }))
    const limits = fc.record({ limit: fc.integer({ min: 0, max: 6 }), offset: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] })
    await fc.assert(
      fc.asyncProperty(condition, limits, async (where, page) => {
        const options = { orderBy: ORDER, ...page }
        // limit 0 is answered without a query by the repository; compare the rest.
        if (options.limit === 0) return
        // Everything generated is in the compiled language but an empty object inside a junction.
        await expectSameRead(where as Where, options, /.\{\}/.test(JSON.stringify(where)) ? undefined : true)
      }),
      { numRuns: 300 }
    )
  })

  it("reads inside the caller's transaction, seeing its uncommitted rows", async () => {
    await orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute("update api_key set title = 'renamed in transaction' where id = 'apk_a'", [], "run", em.getTransactionContext())
      const inside = await repository.select(em, { id: "apk_a" }, { fields: ["id", "title"] })
      const outside = await repository.select(orm.em.fork(), { id: "apk_a" }, { fields: ["id", "title"] })
      expect(inside).toEqual([{ id: "apk_a", title: "renamed in transaction" }])
      expect(outside).toEqual([{ id: "apk_a", title: "Storefront EU" }])
      throw new Error("roll back")
    }).catch((error) => expect(error.message).toBe("roll back"))
    expect(await repository.select(orm.em.fork(), { id: "apk_a" }, { fields: ["title"] })).toEqual([{ title: "Storefront EU" }])
  })

  it("reads the table of the schema the module is configured with", async () => {
    await f.query("create schema other_schema")
    await f.query("create table other_schema.api_key (like public.api_key including all)")
    await f.query("insert into other_schema.api_key select * from public.api_key where id = 'apk_b'")
    const other = await connectModuleOrm({ database: { clientUrl: f.database.url, schema: "other_schema" }, entities: [ApiKey.entity], migrationsList: [], migrationsTable: "select_sql_test_migrations" })
    try {
      const em = other.em.fork()
      expect(compileSelect(em, ApiKey, {}, {})?.sql).toBe('select * from "other_schema"."api_key"')
      expect((await repository.select(em, {}, { fields: ["id"] })).map((r) => r.id)).toEqual(["apk_b"])
      expect(compileSelect(orm.em.fork(), ApiKey, {}, {})?.sql).toBe('select * from "api_key"')
    } finally {
      await closeModuleOrm(other)
    }
  })

  describe("outside a transaction, on a connection of the pool", () => {
    it("sends one statement per read, counted like any other, and gives the connection back", async () => {
      const before = moduleQueryCount()
      const reads = await Promise.all(Array.from({ length: 40 }, () => repository.select(orm.em.fork(), { id: "apk_b" }, { fields: ["id"] })))
      expect(reads.every((rows) => rows.length === 1 && rows[0].id === "apk_b")).toBe(true)
      expect(moduleQueryCount() - before).toBe(40)
      // knex's pool API, which queryPooled relies on: every connection is back, none is in use.
      const pool = (orm.em.getConnection().getKnex().client as any).pool
      expect(pool.numUsed()).toBe(0)
      expect(pool.numPendingAcquires()).toBe(0)
    })

    it("shares one entity manager per ORM between reads, which never holds an entity", async () => {
      const shared = selectManager(orm)
      expect(selectManager(orm)).toBe(shared)
      await Promise.all([
        repository.select(shared, { $or: [{ id: "apk_a" }, { title: "CI deploy" }] }, { orderBy: ORDER }),
        repository.select(shared, {}, { fields: ["id"], orderBy: ORDER, limit: 2 }),
        repository.count(shared, { type: "secret" }),
        // What the compiler leaves to the query builder runs on it too.
        repository.select(shared, { $or: [] }, { orderBy: ORDER }),
      ])
      expect(shared.getUnitOfWork().getIdentityMap().values()).toHaveLength(0)
      // A caller's own entity manager (its transaction) is used as it is.
      await orm.em.fork().transactional(async (em) => {
        expect(selectManager(orm, { transactionManager: em })).toBe(em)
      })
    })

    it("answers with pg's rows and fails with pg's errors, as MikroORM's execute does", async () => {
      expect(await queryPooled(orm.em.getConnection().getKnex(), "select 1 as one, null as nothing")).toEqual([{ one: 1, nothing: null }])
      const pooled = await selectRows(orm.em.fork(), "select * from no_such_table where id = ?", ["x"]).catch((error) => error)
      const executed = await orm.em.getConnection().execute("select * from no_such_table where id = ?", ["x"]).catch((error) => error)
      expect(pooled.code).toBe("42P01")
      expect(executed.code).toBe("42P01")
      expect((orm.em.getConnection().getKnex().client as any).pool.numUsed()).toBe(0)
    })

    it("escapes values as MikroORM escapes them", async () => {
      const title = "O'Brien \"quoted\" \\ back"
      expect(await selectRows(orm.em.fork(), "select id from api_key where title = ? and created_at <= ?", [title, at(10)])).toEqual([{ id: "apk_d" }])
      expect(await selectRows(orm.em.fork(), "select ? as question", ["a ? b"])).toEqual([{ question: "a ? b" }])
    })
  })
})
