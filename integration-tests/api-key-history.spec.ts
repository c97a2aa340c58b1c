import { MikroORM } from "@mikro-orm/postgresql"
import request from "supertest"
import {
  ApiKey,
  ApiKeyHistory,
  createStep,
  createWorkflow,
  initialize,
  revertMigration,
  rollApiKeyWorkflow,
  runMigrations,
  updateApiKeysStep,
  updateApiKeysWorkflow,
} from "../src"
import type { ApiKeyHistoryDTO, ApiKeyModuleService, WorkflowData } from "../src"
import { monotonicIdFactory } from "../src/framework/modules-sdk/ids"
import { setupApp, type AppFixture } from "./setup/app"
import { setupCliApp, type CliApp } from "./setup/cli-app"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"
import { expectMedusaError } from "./setup/expect"
import { basicAuth, setupHttpApp, type HttpFixture } from "./setup/http"
import { FAST_SCRYPT, setupApiKeyModule, type ModuleFixture } from "./setup/module"
import { Modules } from "../src/framework/modules-sdk/definitions"

/**
 * The key history (issue 13, point 5): every lifecycle change of a key is a row written in the
 * transaction of the change, with actor, time and what changed, and nothing secret.
 */

/** last_used_at is written only when a test flushes it. */
const MANUAL_LAST_USED = { lastUsedAt: { intervalMs: 60_000, flushMs: 60_000 } }

/** A key's history as the module lists it, oldest first (the module lists newest first). */
async function actionsOf(service: ApiKeyModuleService, id: string): Promise<string[]> {
  return (await service.listApiKeyHistory({ api_key_id: id })).map((entry) => entry.action).reverse()
}

describe("the history in the module", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule(MANUAL_LAST_USED)
  })
  afterAll(async () => {
    await f.close()
  })

  const history = (id: string) => f.service.listApiKeyHistory({ api_key_id: id })

  it("records a creation with its creator as actor, and the key's type, title and redacted token", async () => {
    const before = Date.now()
    const key = await f.service.createApiKeys({ title: "deploy", type: "secret", created_by: "user_1" })
    const [entry] = await history(key.id)
    expect(entry).toEqual({
      id: expect.stringMatching(/^akh_[0-9A-HJKMNP-TV-Z]{26}$/),
      api_key_id: key.id,
      action: "created",
      actor: "user_1",
      data: { title: "deploy", type: "secret", redacted: key.redacted, created_by: "user_1" },
      created_at: expect.any(Date),
    })
    // The entry carries the time of the change itself: the key's created_at.
    expect(entry.created_at).toEqual((await f.service.retrieve(key.id)).created_at)
    expect(entry.created_at.getTime()).toBeGreaterThanOrEqual(before - 5)
    expect(entry.created_at.getTime()).toBeLessThanOrEqual(Date.now() + 5)
  })

  it("takes the actor from the caller's context when it names one (a key made on someone's behalf)", async () => {
    const key = await f.service.createApiKeys({ title: "for a bot", type: "publishable", created_by: "bot" }, { actor: "user_2" })
    expect((await history(key.id))[0]).toMatchObject({ action: "created", actor: "user_2", data: { created_by: "bot" } })
  })

  it("records a title change with from and to in every form of update, with the context's actor", async () => {
    const key = await f.service.create({ title: "one", type: "secret", created_by: "u" })
    await f.service.update(key.id, { title: "two" }, { actor: "alice" })
    await f.service.updateApiKeys({ id: key.id, title: "three" }, { actor: "bob" })
    await f.service.updateApiKeys([{ id: key.id, title: "four" }], { actor: "carol" })
    await f.service.updateApiKeys({ id: key.id }, { title: "five" }, { actor: "dave" })
    await f.service.upsertApiKeys({ id: key.id, title: "six" }, { actor: "erin" })
    await f.service.updateApiKeys(key.id, { title: "seven" })
    const changes = (await history(key.id)).filter((e) => e.action === "title_changed").reverse()
    expect(changes.map((e) => [e.actor, e.data])).toEqual([
      ["alice", { title: { from: "one", to: "two" } }],
      ["bob", { title: { from: "two", to: "three" } }],
      ["carol", { title: { from: "three", to: "four" } }],
      ["dave", { title: { from: "four", to: "five" } }],
      ["erin", { title: { from: "five", to: "six" } }],
      [null, { title: { from: "six", to: "seven" } }],
    ])
    // The entry carries the time of the change itself.
    const updated = await f.service.retrieve(key.id)
    expect(changes[5].created_at).toEqual(updated.updated_at)
  })

  it("records nothing for an update that changes nothing", async () => {
    const key = await f.service.create({ title: "same", type: "secret", created_by: "u" })
    await f.service.update(key.id, { title: "same" }, { actor: "alice" })
    await f.service.update(key.id, {}, { actor: "alice" })
    expect(await actionsOf(f.service, key.id)).toEqual(["created"])
  })

  it("records a revocation now, a scheduled one, and one brought forward, with revoked_by as the actor", async () => {
    const now = await f.service.create({ title: "now", type: "secret", created_by: "u" })
    const revoked = await f.service.revoke(now.id, { revoked_by: "sec-team" })
    expect((await history(now.id))[0]).toEqual(
      expect.objectContaining({ action: "revoked", actor: "sec-team", data: { revoked_at: new Date(revoked.revoked_at!).toISOString() } })
    )

    const later = await f.service.create({ title: "later", type: "secret", created_by: "u" })
    const scheduled = await f.service.revoke(later.id, { revoked_by: "ops", revoke_in: 3600 })
    expect((await history(later.id))[0]).toMatchObject({
      action: "revocation_scheduled",
      actor: "ops",
      data: { revoked_at: new Date(scheduled.revoked_at!).toISOString(), revoke_in: 3600 },
    })
    // Brought forward to now, by the caller the context names (no revoked_by given).
    const forward = await f.service.revoke(later.id, undefined, { actor: "oncall" })
    expect((await history(later.id))[0]).toMatchObject({
      action: "revoked",
      actor: "oncall",
      data: { revoked_at: new Date(forward.revoked_at!).toISOString(), previous_revoked_at: new Date(scheduled.revoked_at!).toISOString() },
    })
    expect(await actionsOf(f.service, later.id)).toEqual(["created", "revocation_scheduled", "revoked"])
  })

  it("records one row per key for a revoke by selector", async () => {
    const keys = await f.service.create([
      { title: "batch-revoke", type: "publishable", created_by: "u" },
      { title: "batch-revoke", type: "publishable", created_by: "u" },
    ])
    await f.service.revoke({ title: "batch-revoke" }, { revoked_by: "ops" })
    for (const key of keys) expect(await actionsOf(f.service, key.id)).toEqual(["created", "revoked"])
  })

  it("records soft delete, restore and delete with the context's actor, and keeps the history once the key is gone", async () => {
    const key = await f.service.create({ title: "doomed", type: "secret", created_by: "u" })
    await f.service.revoke(key.id, { revoked_by: "u" })
    await f.service.softDeleteApiKeys(key.id, { actor: "janitor" })
    await f.service.softDeleteApiKeys(key.id, { actor: "janitor" }) // already soft-deleted: nothing changes
    await f.service.restoreApiKeys([key.id], { actor: "undo" })
    await f.service.restoreApiKeys([key.id], { actor: "undo" }) // not deleted: nothing changes
    await f.service.deleteApiKeys(key.id, { actor: "janitor" })
    expect(await f.service.list({ id: key.id }, { withDeleted: true })).toEqual([])
    const entries = await history(key.id)
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ["deleted", "janitor"],
      ["restored", "undo"],
      ["soft_deleted", "janitor"],
      ["revoked", "u"],
      ["created", "u"],
    ])
    // The record of a deletion says what the key was, since the key itself is gone.
    expect(entries[0].data).toEqual({ title: "doomed", type: "secret", redacted: key.redacted })
  })

  it("records the hard delete of a soft-deleted key", async () => {
    const key = await f.service.create({ title: "soft then hard", type: "publishable", created_by: "u" })
    await f.service.revoke(key.id)
    await f.service.softDelete(key.id)
    await f.service.delete(key.id)
    expect(await actionsOf(f.service, key.id)).toEqual(["created", "revoked", "soft_deleted", "deleted"])
  })

  it("records the first use once, not the uses after it", async () => {
    const key = await f.service.create({ title: "used", type: "secret", created_by: "u" })
    expect(await f.service.authenticate(key.token)).toBeTruthy()
    await f.service.flushLastUsed()
    const used = (await f.service.retrieve(key.id)).last_used_at!
    expect(used).toBeInstanceOf(Date)
    const [first] = await history(key.id)
    expect(first).toMatchObject({ action: "first_used", actor: key.id, data: { last_used_at: used.toISOString() }, created_at: used })
    // A later use in another process (its own throttle) moves last_used_at, and records nothing.
    const other = await initialize({ scrypt: FAST_SCRYPT, ...MANUAL_LAST_USED, database: { clientUrl: f.database.url } })
    try {
      expect(await other.authenticate(key.token)).toBeTruthy()
      await other.flushLastUsed()
    } finally {
      await other.onApplicationShutdown()
    }
    expect((await f.service.retrieve(key.id)).last_used_at!.getTime()).toBeGreaterThan(used.getTime())
    expect(await actionsOf(f.service, key.id)).toEqual(["created", "first_used"])
  })

  it("records a first use once when several processes write it at the same moment", async () => {
    const keys = await f.service.create(Array.from({ length: 8 }, (_, i) => ({ title: `race ${i}`, type: "secret" as const, created_by: "u" })))
    const processes = await Promise.all(
      [1, 2, 3].map(() => initialize({ scrypt: FAST_SCRYPT, ...MANUAL_LAST_USED, database: { clientUrl: f.database.url } }))
    )
    try {
      for (const service of processes) for (const key of keys) expect(await service.authenticate(key.token)).toBeTruthy()
      await Promise.all(processes.map((service) => service.flushLastUsed()))
    } finally {
      await Promise.all(processes.map((service) => service.onApplicationShutdown()))
    }
    const rows = await f.query("select api_key_id, count(*)::int as n from api_key_history where action = 'first_used' and api_key_id = any($1) group by api_key_id", [
      keys.map((k) => k.id),
    ])
    expect(rows).toHaveLength(keys.length)
    expect(rows.every((row) => row.n === 1)).toBe(true)
  })

  it("records no first use when last_used_at is not maintained (lastUsedAt: false)", async () => {
    const untracked = await initialize({ scrypt: FAST_SCRYPT, lastUsedAt: false, database: { clientUrl: f.database.url } })
    try {
      const key = await untracked.create({ title: "untracked", type: "secret", created_by: "u" })
      expect(await untracked.authenticate(key.token)).toBeTruthy()
      await untracked.flushLastUsed()
      expect(await actionsOf(untracked, key.id)).toEqual(["created"])
    } finally {
      await untracked.onApplicationShutdown()
    }
  })

  it("records no first use for a key that was used before the history existed", async () => {
    const key = await f.service.create({ title: "old user", type: "secret", created_by: "u" })
    await f.query("update api_key set last_used_at = now() - interval '1 day' where id = $1", [key.id])
    expect(await f.service.authenticate(key.token)).toBeTruthy()
    await f.service.flushLastUsed()
    expect(await actionsOf(f.service, key.id)).toEqual(["created"])
  })

  it("lists newest first, pages, filters by action, actor and date, and orders on request", async () => {
    const key = await f.service.create({ title: "a", type: "secret", created_by: "lister" })
    for (const title of ["b", "c", "d"]) await f.service.update(key.id, { title }, { actor: "renamer" })
    await f.service.revoke(key.id, { revoked_by: "lister" })
    expect(await actionsOf(f.service, key.id)).toEqual(["created", "title_changed", "title_changed", "title_changed", "revoked"])

    const [page, count] = await f.service.listAndCountApiKeyHistory({ api_key_id: key.id }, { skip: 1, take: 2 })
    expect(count).toBe(5)
    expect(page.map((e) => (e.data as { title?: { to: string } }).title?.to)).toEqual(["d", "c"])

    const renames = await f.service.listApiKeyHistory({ api_key_id: key.id, action: "title_changed" })
    expect(renames).toHaveLength(3)
    expect(await f.service.listApiKeyHistory({ api_key_id: key.id, actor: "lister" })).toHaveLength(2)
    const all = await f.service.listApiKeyHistory({ api_key_id: key.id })
    const since = await f.service.listApiKeyHistory({ api_key_id: key.id, created_at: { $gte: all[1].created_at } })
    expect(since.map((e) => e.id)).toEqual(all.filter((e) => e.created_at >= all[1].created_at).map((e) => e.id))
    const oldestFirst = await f.service.listApiKeyHistory({ api_key_id: key.id }, { order: { created_at: "ASC" } })
    expect(oldestFirst[0].action).toBe("created")
    expect(await f.service.listApiKeyHistory({ api_key_id: key.id }, { select: ["action"], take: 1 })).toEqual([{ action: "revoked" }])
  })

  it("refuses unknown filters, a filter on data, and a malformed context actor", async () => {
    await expectMedusaError(f.service.listApiKeyHistory({ token: "x" } as never), "invalid_data", /Unknown filter token/)
    await expectMedusaError(f.service.listApiKeyHistory({ data: {} } as never), "invalid_data", /Unknown filter data/)
    await expectMedusaError(f.service.listApiKeyHistory({ action: "exploded" } as never), "invalid_data", /Filter action must be/)
    const key = await f.service.create({ title: "x", type: "secret", created_by: "u" })
    await expectMedusaError(f.service.update(key.id, { title: "y" }, { actor: 42 } as never), "invalid_data", /sharedContext.actor must be a non-empty string/)
    expect((await f.service.retrieve(key.id)).title).toBe("x")
  })

  it("names the successor of a roll and refuses one that does not exist", async () => {
    const old = await f.service.create({ title: "to roll", type: "secret", created_by: "u" })
    const successor = await f.service.create({ title: "to roll", type: "secret", created_by: "u" })
    await expectMedusaError(f.service.revoke(old.id, { successor_id: "apk_missing" }), "not_found", "ApiKey with id: apk_missing was not found")
    await expectMedusaError(f.service.revoke(old.id, { successor_id: old.id }), "invalid_data", /successor_id must name another key/)
    expect(await actionsOf(f.service, old.id)).toEqual(["created"])
    const revoked = await f.service.revoke(old.id, { revoked_by: "roller", revoke_in: 60, successor_id: successor.id })
    expect((await history(old.id))[0]).toMatchObject({
      action: "rolled",
      actor: "roller",
      data: { successor_id: successor.id, revoked_at: new Date(revoked.revoked_at!).toISOString(), revoke_in: 60 },
    })
  })

  it("prunes entries recorded before a date and keeps the rest", async () => {
    const old = await f.service.create({ title: "ancient", type: "secret", created_by: "u" })
    const recent = await f.service.create({ title: "recent", type: "secret", created_by: "u" })
    await f.query("update api_key_history set created_at = now() - interval '100 days' where api_key_id = $1", [old.id])
    const cutoff = new Date(Date.now() - 90 * 86_400_000)
    const before = Number((await f.query("select count(*) from api_key_history where created_at < $1", [cutoff]))[0].count)
    expect(before).toBe(1)
    expect(await f.service.pruneApiKeyHistory({ older_than: cutoff })).toBe(1)
    expect(await actionsOf(f.service, old.id)).toEqual([])
    expect(await actionsOf(f.service, recent.id)).toEqual(["created"])
    // The key itself is untouched: retention applies to history rows only.
    expect((await f.service.retrieve(old.id)).title).toBe("ancient")
    await expectMedusaError(f.service.pruneApiKeyHistory({ older_than: "soon" }), "invalid_data", /pruneApiKeyHistory expects \{ older_than: <a date> \}/)
  })
})

describe("the history is written in the transaction of the change", () => {
  let f: ModuleFixture
  /** The caller's own ORM on the same database, for transactions that span several calls. */
  let callerOrm: MikroORM

  beforeAll(async () => {
    f = await setupApiKeyModule(MANUAL_LAST_USED)
    callerOrm = await MikroORM.init({
      clientUrl: f.database.url,
      entities: [ApiKey.entity, ApiKeyHistory.entity],
      discovery: { warnWhenNoEntities: false },
    })
  })
  afterAll(async () => {
    await callerOrm.close(true)
    await f.close()
  })

  const rowsOf = (id: string) => f.query("select action from api_key_history where api_key_id = $1 order by created_at, id", [id])

  it("leaves no row when the caller's transaction rolls back after a revoke and a rename", async () => {
    const key = await f.service.create({ title: "kept", type: "secret", created_by: "u" })
    const rollback = new Error("caller changed its mind")
    await expect(
      callerOrm.em.fork().transactional(async (em) => {
        await f.service.revoke(key.id, { revoked_by: "x" }, { transactionManager: em })
        await f.service.update(key.id, { title: "renamed" }, { transactionManager: em, actor: "x" })
        // Inside the transaction the rows exist …
        expect((await f.service.listApiKeyHistory({ api_key_id: key.id }, undefined, { transactionManager: em })).map((e) => e.action)).toEqual([
          "title_changed",
          "revoked",
          "created",
        ])
        // … and nobody outside sees them before the commit.
        expect(await rowsOf(key.id)).toEqual([{ action: "created" }])
        throw rollback
      })
    ).rejects.toBe(rollback)
    expect(await rowsOf(key.id)).toEqual([{ action: "created" }])
    expect(await f.service.retrieve(key.id)).toMatchObject({ title: "kept", revoked_at: null })
  })

  it("commits the rows with the caller's transaction", async () => {
    const committed = await callerOrm.em.fork().transactional(async (em) => {
      const key = await f.service.create({ title: "in tx", type: "publishable", created_by: "u" }, { transactionManager: em })
      await f.service.revoke(key.id, undefined, { transactionManager: em, actor: "tx-actor" })
      return key
    })
    expect(await rowsOf(committed.id)).toEqual([{ action: "created" }, { action: "revoked" }])
  })

  it("leaves no row for a change that fails: a delete refused, a create in a rolled back transaction", async () => {
    const active = await f.service.create({ title: "active", type: "secret", created_by: "u" })
    await expectMedusaError(f.service.delete(active.id), "not_allowed", `Cannot delete api keys that are not revoked - ${active.id}`)
    expect(await rowsOf(active.id)).toEqual([{ action: "created" }])

    let createdId = ""
    await expect(
      callerOrm.em.fork().transactional(async (em) => {
        createdId = (await f.service.create({ title: "never", type: "secret", created_by: "u" }, { transactionManager: em })).id
        throw new Error("rollback")
      })
    ).rejects.toThrow("rollback")
    expect(await rowsOf(createdId)).toEqual([])
  })

  it("does not make the change when its history cannot be written", async () => {
    const key = await f.service.create({ title: "guarded", type: "secret", created_by: "u" })
    await f.query("alter table api_key_history rename to api_key_history_away")
    try {
      await expect(f.service.revoke(key.id, { revoked_by: "x" })).rejects.toThrow()
      await expect(f.service.update(key.id, { title: "other" })).rejects.toThrow()
    } finally {
      await f.query("alter table api_key_history_away rename to api_key_history")
    }
    expect(await f.service.retrieve(key.id)).toMatchObject({ title: "guarded", revoked_at: null })
  })
})

describe("nothing secret in the history", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule(MANUAL_LAST_USED)
  })
  afterAll(async () => {
    await f.close()
  })

  it("holds no token, hash, salt or lookup digest of any key, through every action", async () => {
    const secrets: string[] = []
    const remember = async (id: string, token: string) => {
      const [row] = await f.query("select token, salt, token_lookup from api_key where id = $1", [id])
      secrets.push(token, token.slice(3), row.token, row.token_lookup)
      if (row.salt) secrets.push(row.salt)
    }
    const secret = await f.service.create({ title: "secret one", type: "secret", created_by: "u" })
    const publishable = await f.service.create({ title: "public one", type: "publishable", created_by: "u" })
    await remember(secret.id, secret.token)
    await remember(publishable.id, publishable.token)
    expect(await f.service.authenticate(secret.token)).toBeTruthy()
    await f.service.flushLastUsed()
    for (const key of [secret, publishable]) {
      await f.service.update(key.id, { title: `${key.title} renamed` }, { actor: "u" })
      await f.service.revoke(key.id, { revoke_in: 60 })
      await f.service.revoke(key.id)
      await f.service.softDelete(key.id)
      await f.service.restore(key.id)
      await f.service.delete(key.id)
    }
    const rows = await f.query("select * from api_key_history")
    expect(new Set(rows.map((r) => r.action))).toEqual(
      new Set(["created", "first_used", "title_changed", "revocation_scheduled", "revoked", "soft_deleted", "restored", "deleted"])
    )
    const dump = JSON.stringify(rows)
    for (const value of secrets.filter(Boolean)) expect(dump).not.toContain(value)
    // The redacted form is all the history keeps of a token.
    expect(dump).toContain(secret.redacted)
  })
})

describe("monotonic history ids", () => {
  it("sort in the order they were made, also within one millisecond and when the clock steps back", () => {
    const next = monotonicIdFactory("akh")
    const t = Date.now()
    const ids = Array.from({ length: 500 }, (_, i) => next(t + Math.floor(i / 200)))
    ids.push(next(t - 1000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toMatch(/^akh_[0-9A-HJKMNP-TV-Z]{26}$/)
  })
})

describe("the history of workflow changes", () => {
  let fx: AppFixture
  beforeAll(async () => {
    fx = await setupApp({ apiKey: MANUAL_LAST_USED })
  })
  afterAll(async () => {
    await fx.close()
  })
  const service = () => fx.app.container.resolve<ApiKeyModuleService>(Modules.API_KEY)

  it("records a roll on the old key, naming its successor, and the successor's creation, with the roller as actor", async () => {
    const old = await service().create({ title: "rolling", type: "secret", created_by: "creator" })
    const { result: successor } = await rollApiKeyWorkflow(fx.app.container).run({
      input: { id: old.id, revoke_in: 600, revoked_by: "roller" },
      context: { actor: "roller" },
    })
    const [rolled] = await service().listApiKeyHistory({ api_key_id: old.id })
    const revokedAt = (await service().retrieve(old.id)).revoked_at!
    expect(rolled).toMatchObject({ action: "rolled", actor: "roller", data: { successor_id: successor.id, revoked_at: revokedAt.toISOString(), revoke_in: 600 } })
    expect(await service().listApiKeyHistory({ api_key_id: successor.id })).toEqual([
      expect.objectContaining({ action: "created", actor: "roller", data: expect.objectContaining({ created_by: "creator" }) }),
    ])
  })

  it("records the actor a workflow run names", async () => {
    const key = await service().create({ title: "before", type: "secret", created_by: "u" })
    await updateApiKeysWorkflow(fx.app.container).run({ input: { selector: { id: key.id }, update: { title: "after" } }, context: { actor: "wf-user" } })
    expect((await service().listApiKeyHistory({ api_key_id: key.id }))[0]).toMatchObject({
      action: "title_changed",
      actor: "wf-user",
      data: { title: { from: "before", to: "after" } },
    })
  })

  it("records a compensated step's change and its undo: both happened", async () => {
    const key = await service().create({ title: "original", type: "secret", created_by: "u" })
    const failing = createStep("fail-after-rename", async () => {
      throw new Error("later step failed")
    })
    const renameThenFail = createWorkflow("rename-then-fail", (input: WorkflowData<{ id: string }>) => {
      updateApiKeysStep({ selector: { id: input.id }, update: { title: "temporary" } })
      failing()
    })
    await expect(renameThenFail(fx.app.container).run({ input: { id: key.id }, context: { actor: "wf-user" } })).rejects.toThrow("later step failed")
    expect((await service().retrieve(key.id)).title).toBe("original")
    const changes = (await service().listApiKeyHistory({ api_key_id: key.id, action: "title_changed" })).reverse()
    expect(changes.map((e) => [e.actor, e.data])).toEqual([
      ["wf-user", { title: { from: "original", to: "temporary" } }],
      ["wf-user", { title: { from: "temporary", to: "original" } }],
    ])
  })
})

describe("GET /admin/api-keys/:id/history", () => {
  let fx: HttpFixture
  let auth: string
  beforeAll(async () => {
    fx = await setupHttpApp({ apiKey: MANUAL_LAST_USED })
    auth = basicAuth(fx.adminToken)
  })
  afterAll(async () => {
    await fx.close()
  })
  const get = (path: string) => request(fx.app).get(path).set("Authorization", auth)
  const post = (path: string, body: object) => request(fx.app).post(path).set("Authorization", auth).send(body)

  it("lists what the admin routes did to a key, newest first, with the calling key as actor", async () => {
    const created = await post("/admin/api-keys", { title: "via http", type: "secret" })
    const id = created.body.api_key.id
    expect((await post(`/admin/api-keys/${id}`, { title: "renamed" })).status).toBe(200)
    expect((await post(`/admin/api-keys/${id}/revoke`, {})).status).toBe(200)
    expect((await request(fx.app).delete(`/admin/api-keys/${id}`).set("Authorization", auth)).status).toBe(200)

    const res = await get(`/admin/api-keys/${id}/history`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ history: expect.any(Array), count: 4, offset: 0, limit: 20 })
    expect(res.body.history.map((e: ApiKeyHistoryDTO) => [e.action, e.actor])).toEqual([
      ["deleted", fx.admin.id],
      ["revoked", fx.admin.id],
      ["title_changed", fx.admin.id],
      ["created", fx.admin.id],
    ])
    expect(res.body.history[2]).toEqual({
      id: expect.stringMatching(/^akh_/),
      api_key_id: id,
      action: "title_changed",
      actor: fx.admin.id,
      data: { title: { from: "via http", to: "renamed" } },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    // The key is gone; its history is still there.
    expect((await get(`/admin/api-keys/${id}`)).status).toBe(404)

    const page = await get(`/admin/api-keys/${id}/history?limit=2&offset=1`)
    expect(page.body).toMatchObject({ count: 4, offset: 1, limit: 2 })
    expect(page.body.history.map((e: ApiKeyHistoryDTO) => e.action)).toEqual(["revoked", "title_changed"])
    const only = await get(`/admin/api-keys/${id}/history?action=created&action=deleted`)
    expect(only.body.history.map((e: ApiKeyHistoryDTO) => e.action)).toEqual(["deleted", "created"])
    expect((await get(`/admin/api-keys/${id}/history?actor=${fx.admin.id}`)).body.count).toBe(4)
    expect((await get(`/admin/api-keys/${id}/history?actor=someone-else`)).body).toEqual({ history: [], count: 0, offset: 0, limit: 20 })
    const since = res.body.history[1].created_at
    const recent = await get(`/admin/api-keys/${id}/history?created_at[$gte]=${encodeURIComponent(since)}`)
    expect(recent.body.history.map((e: ApiKeyHistoryDTO) => e.action)).toEqual(["deleted", "revoked"])
  })

  it("records a roll over HTTP on both keys", async () => {
    const key = (await post("/admin/api-keys", { title: "http roll", type: "publishable" })).body.api_key
    const successor = (await post(`/admin/api-keys/${key.id}/roll`, { revoke_in: 30 })).body.api_key
    const old = await get(`/admin/api-keys/${key.id}/history`)
    expect(old.body.history[0]).toMatchObject({ action: "rolled", actor: fx.admin.id, data: { successor_id: successor.id, revoke_in: 30 } })
    const next = await get(`/admin/api-keys/${successor.id}/history`)
    expect(next.body.history).toEqual([expect.objectContaining({ action: "created", actor: fx.admin.id })])
  })

  it("answers an empty list for a key with no history yet, and 404 for an id that never named a key", async () => {
    // The fixture's admin key, as if made before the history existed.
    await queryDatabase(fx.database.url, "delete from api_key_history where api_key_id = $1", [fx.admin.id])
    expect((await get(`/admin/api-keys/${fx.admin.id}/history`)).body).toEqual({ history: [], count: 0, offset: 0, limit: 20 })
    const filtered = await get(`/admin/api-keys/${fx.admin.id}/history?action=revoked`)
    expect(filtered.body).toEqual({ history: [], count: 0, offset: 0, limit: 20 })
    const missing = await get("/admin/api-keys/apk_nope/history")
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ type: "not_found", message: "API Key with id: apk_nope was not found" })
  })

  it("refuses unknown query parameters and actions, naming them", async () => {
    const unknown = await get(`/admin/api-keys/${fx.admin.id}/history?token=x`)
    expect(unknown.status).toBe(400)
    expect(unknown.body.type).toBe("invalid_data")
    expect(unknown.body.message).toContain("token")
    const badAction = await get(`/admin/api-keys/${fx.admin.id}/history?action=exploded`)
    expect(badAction.status).toBe(400)
    expect(badAction.body.message).toContain("action")
  })

  it("needs a secret key like every admin route", async () => {
    expect((await request(fx.app).get(`/admin/api-keys/${fx.admin.id}/history`)).status).toBe(401)
  })
})

describe("keys:history and keys:history-prune", () => {
  let fixture: CliApp
  let database: TestDatabase
  const cli = (...argv: string[]) => fixture.cli(...argv)

  beforeAll(async () => {
    fixture = await setupCliApp("history_cli")
    database = fixture.database
  })
  afterAll(() => fixture?.close())

  it("shows a key's history newest first, as a table and as JSON", async () => {
    expect((await cli("db:migrate")).code).toBe(0)
    const token = (await cli("keys:create", "--type", "secret", "--title", "cli key", "--created-by", "ops")).stdout
    const [key] = JSON.parse((await cli("keys:list", "--json", "--type", "secret")).stdout)
    expect((await cli("keys:revoke", key.id, "--revoke-in", "60", "--revoked-by", "alice")).code).toBe(0)
    const rolled = await cli("keys:roll", key.id, "--revoked-by", "bob")
    expect(rolled.code).toBe(1) // a scheduled key cannot roll: the history must not say it did
    const table = await cli("keys:history", key.id)
    expect(table.code).toBe(0)
    const lines = table.stdout.split("\n")
    expect(lines[0]).toMatch(/^AT\s+ACTION\s+ACTOR\s+DETAILS$/)
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+revocation_scheduled\\s+alice\\s+revokes at \\S+ \\(in 60 s\\)$`))
    expect(lines[2]).toMatch(new RegExp(`created\\s+ops\\s+secret key "cli key" ${key.redacted.replace(/\*/g, "\\*")}, created by ops$`))
    expect(lines).toHaveLength(3)
    expect(table.stdout).not.toContain(token)

    const json = JSON.parse((await cli("keys:history", key.id, "--json")).stdout)
    expect(json.map((e: ApiKeyHistoryDTO) => e.action)).toEqual(["revocation_scheduled", "created"])
    const limited = await cli("keys:history", key.id, "--limit", "1")
    expect(limited.stdout.split("\n")).toHaveLength(2)
    expect(limited.stderr).toBe("Showing the newest 1 of 2 entries; --limit 2 shows all")
  })

  it("shows a roll, and says when a key is unknown", async () => {
    const token = (await cli("keys:create", "--type", "secret", "--title", "to roll")).stdout
    expect(token).toMatch(/^sk_/)
    const [key] = JSON.parse((await cli("keys:list", "--json", "--type", "secret")).stdout).filter((k: { title: string }) => k.title === "to roll")
    const rolled = await cli("keys:roll", key.id, "--revoked-by", "bob")
    expect(rolled.code).toBe(0)
    const successorId = /into (apk_\w+)/.exec(rolled.stderr)![1]
    expect((await cli("keys:history", key.id)).stdout.split("\n")[1]).toMatch(new RegExp(`rolled\\s+bob\\s+rolled into ${successorId}; revoked at \\S+$`))
    expect((await cli("keys:history", successorId)).stdout.split("\n")[1]).toMatch(/created\s+bob\s+secret key "to roll" /)

    expect(await cli("keys:history", "apk_missing")).toEqual({ code: 1, stdout: "", stderr: "Error: ApiKey with id: apk_missing was not found" })
    expect((await cli("keys:history")).code).toBe(2)
  })

  it("prunes entries older than an age, and refuses an age without a unit", async () => {
    // Every creation so far (the store's default key among them) is made 100 days old.
    const old = (await queryDatabase(database.url, "update api_key_history set created_at = now() - interval '100 days' where action = 'created' returning id")).length
    expect(old).toBeGreaterThanOrEqual(3)
    const kept = Number((await queryDatabase(database.url, "select count(*) from api_key_history where action <> 'created'"))[0].count)
    const pruned = await cli("keys:history-prune", "--older-than", "90d")
    expect(pruned.code).toBe(0)
    expect(pruned.stdout).toMatch(new RegExp(`^Deleted ${old} history entries recorded before \\d{4}-\\d\\d-\\d\\dT\\S+Z$`))
    expect(Number((await queryDatabase(database.url, "select count(*) from api_key_history"))[0].count)).toBe(kept)
    expect((await cli("keys:history-prune", "--older-than", "90d")).stdout).toMatch(/^Deleted 0 history entries/)

    for (const args of [["keys:history-prune"], ["keys:history-prune", "--older-than", "90"], ["keys:history-prune", "--older-than", "-1d"]]) {
      const result = await cli(...args)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("--older-than")
    }
  })
})

describe("the history migration", () => {
  let db: TestDatabase
  const options = () => ({ database: { clientUrl: db.url } })
  beforeEach(async () => {
    db = await createTestDatabase("history_migration")
  })
  afterEach(async () => {
    await db.drop()
  })

  const tables = async () =>
    (await queryDatabase(db.url, "select table_name from information_schema.tables where table_schema = 'public' order by 1")).map((r) => r.table_name)

  it("applies on a database migrated by the previous release, keeping its keys, and goes down and up again", async () => {
    // A store on the previous release: its migrations applied (all but the history), a secret key
    // made then (by this service, before the history table is taken away) and a publishable one.
    await runMigrations({ options: options() })
    const before = await initialize({ ...options(), scrypt: FAST_SCRYPT })
    const secret = await before.create({ title: "from before", type: "secret", created_by: "u" })
    await before.onApplicationShutdown()
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261128000000_api_key_least_privilege"])
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261127000000_api_key_history"])
    expect(await tables()).toEqual(["api_key", "api_key_migrations"])
    await queryDatabase(
      db.url,
      `insert into api_key (id, token, salt, redacted, title, type, created_by) values ('apk_before', 'pk_before', '', 'pk_bef***ore', 'old', 'publishable', 'u')`
    )

    expect(await runMigrations({ options: options() })).toEqual(["Migration20261127000000_api_key_history", "Migration20261128000000_api_key_least_privilege"])
    const service = await initialize({ ...options(), scrypt: FAST_SCRYPT, ...MANUAL_LAST_USED })
    try {
      expect(await service.authenticate(secret.token)).toEqual(expect.objectContaining({ id: secret.id }))
      // Keys made before have no history (none was kept then); changes from now on are recorded.
      expect(await service.listApiKeyHistory({ api_key_id: "apk_before" })).toEqual([])
      await service.update("apk_before", { title: "new" }, { actor: "migrator" })
      expect(await service.listApiKeyHistory({ api_key_id: "apk_before" })).toEqual([expect.objectContaining({ action: "title_changed", actor: "migrator" })])
    } finally {
      await service.onApplicationShutdown()
    }

    // Down drops the history (and only it); up again starts an empty one.
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261128000000_api_key_least_privilege"])
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261127000000_api_key_history"])
    expect(await tables()).toEqual(["api_key", "api_key_migrations"])
    expect(await queryDatabase(db.url, "select title from api_key where id = 'apk_before'")).toEqual([{ title: "new" }])
    expect(await runMigrations({ options: options() })).toEqual(["Migration20261127000000_api_key_history", "Migration20261128000000_api_key_least_privilege"])
    expect(await queryDatabase(db.url, "select count(*)::int as n from api_key_history")).toEqual([{ n: 0 }])
  })

  it("creates the table with its indexes, no foreign key, and the action check", async () => {
    await runMigrations({ options: options() })
    const indexes = (await queryDatabase(db.url, "select indexname from pg_indexes where tablename = 'api_key_history' order by 1")).map((r) => r.indexname)
    expect(indexes).toEqual([
      "IDX_api_key_history_api_key_id_created_at",
      "IDX_api_key_history_created_at",
      "IDX_api_key_history_first_used_unique",
      "api_key_history_pkey",
    ])
    const foreignKeys = await queryDatabase(db.url, "select conname from pg_constraint where conrelid = 'api_key_history'::regclass and contype = 'f'")
    expect(foreignKeys).toEqual([])
    await expect(
      queryDatabase(db.url, "insert into api_key_history (id, api_key_id, action) values ('akh_1', 'apk_1', 'exploded')")
    ).rejects.toThrow(/check constraint/)
  })
})
