import { randomBytes } from "node:crypto"
import { initialize, type ApiKeyModuleService } from "../src"
import { MikroORM } from "@mikro-orm/postgresql"
import { ApiKey } from "../src"
import { withTransaction } from "../src/framework/modules-sdk/transactions"
import { normalizeApiKeyModuleOptions } from "../src/modules/api-key/loaders/options"
import { CHANGE_FEED_APPLICATION_NAME } from "../src/framework/modules-sdk/change-feed"
import { ScryptLimiter, ScryptQueueFullError } from "../src/modules/api-key/authentication/scrypt-limiter"
import type { ApiKeyModuleOptions } from "../src/modules/api-key/types/options"
import { queryDatabase } from "./setup/database"
import { FAST_SCRYPT, setupApiKeyModule, type ModuleFixture } from "./setup/module"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { eventually, sleep } from "./setup/wait"

/** The SQL statements one module instance sends, through its `database.logger` option. */
function statementLog() {
  const statements: string[] = []
  return {
    logger: (message: string) => {
      if (message.includes("[query]")) statements.push(message)
    },
    reset: () => void (statements.length = 0),
    count: (pattern: RegExp) => statements.filter((s) => pattern.test(s)).length,
  }
}

// Log lines are coloured ("\u001b[39mselect …"), so no word boundary before the verb.
const SELECT = /\[query\].*select /i
const LAST_USED_UPDATE = /update "api_key" set "last_used_at"/i


/** Polls until `check` holds, for at most `ms`; returns whether it did. */

/** Resolves true once the instance's change feed listens and its cache serves. */
const whenCaching = (service: ApiKeyModuleService) => eventually(async () => service.authenticationStats().listening, 10_000)
/** scrypt verifications the instance has run. */
const verifications = (service: ApiKeyModuleService) => service.authenticationStats().scrypt.verifications

const unknownToken = () => `sk_${randomBytes(32).toString("hex")}`

describe("authenticate with the verification cache", () => {
  let f: ModuleFixture
  /** The caller's own ORM on the same database, for transactions that span several calls. */
  let callerOrm: MikroORM
  const instances: ApiKeyModuleService[] = []

  beforeAll(async () => {
    f = await setupApiKeyModule()
    callerOrm = await MikroORM.init({ clientUrl: f.database.url, entities: [ApiKey.entity], discovery: { warnWhenNoEntities: false } })
    await whenCaching(f.service)
  })
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((service) => service.onApplicationShutdown()))
  })
  afterAll(async () => {
    await callerOrm.close(true)
    await f.close()
  })

  /** Another module instance on the same database: its own cache, its own change feed. */
  async function instance(options: Omit<ApiKeyModuleOptions, "database"> = {}) {
    const log = statementLog()
    const service = await initialize({ scrypt: FAST_SCRYPT, ...options, database: { clientUrl: f.database.url, logger: log.logger } })
    instances.push(service)
    if (options.authCache !== false) expect(await whenCaching(service)).toBe(true)
    return { service, log }
  }

  const createSecret = (service: ApiKeyModuleService = f.service, title = "k") =>
    service.create({ title, type: "secret", created_by: "u" })

  describe("within one process", () => {
    it("verifies a token once with scrypt and answers repeats from memory without a query", async () => {
      const { service, log } = await instance()
      const key = await createSecret()
      const before = verifications(service)
      log.reset()
      for (let i = 0; i < 200; i++) {
        expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id, token: "" }))
      }
      expect(verifications(service) - before).toBe(1)
      expect(log.count(SELECT)).toBe(1)
    })

    it("shares one verification between concurrent first calls with the same token", async () => {
      const { service } = await instance()
      const key = await createSecret()
      const before = verifications(service)
      const results = await Promise.all(Array.from({ length: 20 }, () => service.authenticate(key.token)))
      expect(results.every((r) => r && r.id === key.id)).toBe(true)
      expect(verifications(service) - before).toBe(1)
    })

    it("makes no query for a malformed token", async () => {
      const { service, log } = await instance()
      log.reset()
      for (const input of ["", "sk_", `sk_${"z".repeat(64)}`, `pk_${"a".repeat(64)}`, 42, null]) {
        expect(await service.authenticate(input)).toBe(false)
      }
      expect(log.count(SELECT)).toBe(0)
    })

    it("looks an unknown token up once without scrypt, and answers its repeats from memory", async () => {
      const { service, log } = await instance()
      const token = unknownToken()
      const before = verifications(service)
      log.reset()
      expect(await service.authenticate(token)).toBe(false)
      expect(log.count(SELECT)).toBe(1)
      for (let i = 0; i < 50; i++) expect(await service.authenticate(token)).toBe(false)
      expect(log.count(SELECT)).toBe(1)
      expect(verifications(service)).toBe(before)
    })

    it("never returns a revoked key once revoke has returned", async () => {
      const { service } = await instance()
      const key = await createSecret(service)
      expect(await service.authenticate(key.token)).toBeTruthy()
      await service.revoke(key.id)
      expect(await service.authenticate(key.token)).toBe(false)
    })

    it("stops authenticating a key at the moment its scheduled revocation takes effect, without a query", async () => {
      const { service, log } = await instance()
      const key = await createSecret(service)
      await service.revoke(key.id, { revoke_in: 1 })
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
      // This process also hears its own revoke notification; if that lands during the first cold
      // lookup, the result is (rightly) not stored. Make sure the key is cached before the cut-off.
      const cached = await eventually(async () => {
        log.reset()
        const hitsBefore = service.authenticationStats().cache!.hits
        const result = await service.authenticate(key.token)
        return result !== false && result.id === key.id && log.count(SELECT) === 0 && service.authenticationStats().cache!.hits > hitsBefore
      })
      expect(cached).toBe(true)
      const revokedAt = (await service.retrieve(key.id)).revoked_at!.getTime()
      await sleep(revokedAt - Date.now() + 20)
      log.reset()
      expect(await service.authenticate(key.token)).toBe(false)
      expect(log.count(SELECT)).toBe(0)
    })

    it("never returns a soft-deleted key, and returns it again once restored", async () => {
      const { service } = await instance()
      const key = await createSecret(service)
      expect(await service.authenticate(key.token)).toBeTruthy()
      await service.softDelete(key.id)
      expect(await service.authenticate(key.token)).toBe(false)
      await service.restore(key.id)
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
    })

    it("never returns a deleted key", async () => {
      const { service } = await instance()
      const key = await createSecret(service)
      await service.revoke(key.id, { revoke_in: 3600 })
      expect(await service.authenticate(key.token)).toBeTruthy()
      await service.revoke(key.id)
      await service.delete(key.id)
      expect(await service.authenticate(key.token)).toBe(false)
    })

    it("shows a new title right after update", async () => {
      const { service } = await instance()
      const key = await createSecret(service, "before")
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ title: "before" }))
      await service.update(key.id, { title: "after" })
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ title: "after" }))
    })

    it("does not keep a result read before a revocation committed", async () => {
      const { service } = await instance()
      const key = await createSecret(service)
      await withTransaction(callerOrm, undefined, async (em) => {
        await service.revoke(key.id, {}, { transactionManager: em })
        // Outside the transaction the key is still valid, and gets cached as such …
        expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
        // … while inside it the revocation is already visible.
        expect(await service.authenticate(key.token, { transactionManager: em })).toBe(false)
      })
      // … but the commit drops it before revoke's caller goes on.
      expect(await service.authenticate(key.token)).toBe(false)
    })

    it("keeps authenticating a key whose revocation rolled back", async () => {
      const { service } = await instance()
      const key = await createSecret(service)
      await expect(
        withTransaction(callerOrm, undefined, async (em) => {
          await service.revoke(key.id, {}, { transactionManager: em })
          throw new Error("roll back")
        })
      ).rejects.toThrow("roll back")
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
    })

    it("authenticates a key created after its token was remembered as unknown", async () => {
      const { service } = await instance()
      const other = await instance()
      let token = ""
      await withTransaction(callerOrm, undefined, async (em) => {
        token = (await service.create({ title: "late", type: "secret", created_by: "u" }, { transactionManager: em })).token
        // Not committed yet: both processes remember the token as unknown.
        expect(await service.authenticate(token)).toBe(false)
        expect(await other.service.authenticate(token)).toBe(false)
      })
      expect(await service.authenticate(token)).toEqual(expect.objectContaining({ title: "late" }))
      expect(await eventually(async () => !!(await other.service.authenticate(token)))).toBe(true)
    })

    it("goes to the database on every call when the cache is off, running scrypt only the first time", async () => {
      const { service, log } = await instance({ authCache: false })
      const key = await createSecret(service)
      const before = verifications(service)
      log.reset()
      for (let i = 0; i < 3; i++) expect(await service.authenticate(key.token)).toBeTruthy()
      // The row is read every time (it decides revocation); a token already verified against the
      // same stored hash is not verified again.
      expect(verifications(service) - before).toBe(1)
      expect(log.count(SELECT)).toBe(3)
      await f.service.revoke(key.id)
      expect(await service.authenticate(key.token)).toBe(false)
    })
  })

  describe("across module instances on one database", () => {
    it("stops accepting a key in another instance after it is revoked", async () => {
      const a = await instance()
      const b = await instance()
      const key = await createSecret(a.service)
      expect(await a.service.authenticate(key.token)).toBeTruthy()
      expect(await b.service.authenticate(key.token)).toBeTruthy()
      await a.service.revoke(key.id)
      expect(await a.service.authenticate(key.token)).toBe(false)
      expect(await eventually(async () => (await b.service.authenticate(key.token)) === false)).toBe(true)
      // And it stays refused.
      expect(await b.service.authenticate(key.token)).toBe(false)
    })

    it.each([
      ["soft-deleted", (s: ApiKeyModuleService, id: string) => s.softDelete(id)],
      ["revoked and deleted", async (s: ApiKeyModuleService, id: string) => (await s.revoke(id), s.delete(id))],
      ["renamed", async (s: ApiKeyModuleService, id: string) => void (await s.update(id, { title: "renamed" }))],
    ])("drops a key from another instance's cache when it is %s", async (_label, change) => {
      const a = await instance()
      const b = await instance()
      const key = await createSecret(a.service, "original")
      expect(await b.service.authenticate(key.token)).toEqual(expect.objectContaining({ title: "original" }))
      await change(a.service, key.id)
      const seen = await eventually(async () => {
        const result = await b.service.authenticate(key.token)
        return result === false || result.title === "renamed"
      })
      expect(seen).toBe(true)
    })

    it("lets another instance's cache expire a scheduled revocation on time", async () => {
      const a = await instance()
      const b = await instance()
      const key = await createSecret(a.service)
      await a.service.revoke(key.id, { revoke_in: 1 })
      expect(await b.service.authenticate(key.token)).toBeTruthy()
      const revokedAt = (await a.service.retrieve(key.id)).revoked_at!.getTime()
      await sleep(revokedAt - Date.now() + 20)
      expect(await b.service.authenticate(key.token)).toBe(false)
    })

    describe("when the change feed connection is lost", () => {
      const admin = (sql: string) => queryDatabase(process.env.DATABASE_URL!, sql)
      const killListeners = () =>
        admin(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = '${f.database.name}' and application_name = '${CHANGE_FEED_APPLICATION_NAME}'`
        )
      afterEach(async () => {
        await admin(`alter database "${f.database.name}" allow_connections true`)
      })

      it("bypasses the cache until it is back, honours revocations meanwhile, then caches again", async () => {
        const a = await instance()
        const b = await instance()
        const [kept, revoked] = await Promise.all([createSecret(a.service), createSecret(a.service)])
        expect(await b.service.authenticate(kept.token)).toBeTruthy()
        expect(await b.service.authenticate(revoked.token)).toBeTruthy()
        const connections = b.service.authenticationStats().feedConnections

        // Keep the feed from reconnecting (pooled connections stay), then cut it.
        await admin(`alter database "${f.database.name}" allow_connections false`)
        await killListeners()
        expect(await eventually(async () => !b.service.authenticationStats().listening)).toBe(true)

        const before = verifications(b.service)
        b.log.reset()
        expect(await b.service.authenticate(kept.token)).toBeTruthy()
        expect(await b.service.authenticate(kept.token)).toBeTruthy()
        // Each call reads the row (the cache cannot be trusted), but a verified token costs no scrypt.
        expect(b.log.count(SELECT)).toBe(2)
        expect(verifications(b.service) - before).toBe(0)
        expect(b.service.authenticationStats().cache!.serving).toBe(false)

        await a.service.revoke(revoked.id)
        expect(await b.service.authenticate(revoked.token)).toBe(false)

        await admin(`alter database "${f.database.name}" allow_connections true`)
        expect(await whenCaching(b.service)).toBe(true)
        expect(b.service.authenticationStats().feedConnections).toBeGreaterThan(connections)
        const afterReconnect = verifications(b.service)
        b.log.reset()
        for (let i = 0; i < 5; i++) expect(await b.service.authenticate(kept.token)).toBeTruthy()
        expect(verifications(b.service) - afterReconnect).toBe(0)
        expect(b.log.count(SELECT)).toBe(1)
        expect(await b.service.authenticate(revoked.token)).toBe(false)
      })

      it("hears changes again after a reconnect", async () => {
        const a = await instance()
        const b = await instance()
        const key = await createSecret(a.service)
        await killListeners()
        expect(await eventually(async () => b.service.authenticationStats().feedConnections > 1 && b.service.authenticationStats().listening)).toBe(true)
        expect(await b.service.authenticate(key.token)).toBeTruthy()
        await a.service.revoke(key.id)
        expect(await eventually(async () => (await b.service.authenticate(key.token)) === false)).toBe(true)
      })
    })

    describe("in a separate OS process", () => {
      let child: FixtureProcess
      const call = <T = any>(op: string, arg?: unknown) => child.call<T>(op, arg)

      beforeAll(async () => {
        const options = { scrypt: FAST_SCRYPT, database: { clientUrl: f.database.url } }
        child = await forkFixture("authenticate-process.js", { API_KEY_MODULE_OPTIONS: JSON.stringify(options) })
        expect(await call("whenCaching")).toBe(true)
      })
      afterAll(() => child.close())

      it("answers from its own cache and stops accepting a key revoked by this process", async () => {
        const key = await createSecret()
        const before = await call<number>("scryptVerifications")
        for (let i = 0; i < 10; i++) {
          expect(await call("authenticate", key.token)).toEqual(expect.objectContaining({ id: key.id }))
        }
        expect((await call<number>("scryptVerifications")) - before).toBe(1)
        await f.service.revoke(key.id)
        expect(await eventually(async () => (await call("authenticate", key.token)) === false)).toBe(true)
      })
    })
  })

  describe("last_used_at", () => {
    it("is written once per interval, off the request path", async () => {
      const { service, log } = await instance({ lastUsedAt: { intervalMs: 60_000, flushMs: 60_000 } })
      const key = await createSecret(service)
      expect((await service.retrieve(key.id)).last_used_at).toBeNull()
      log.reset()
      for (let i = 0; i < 50; i++) expect(await service.authenticate(key.token)).toBeTruthy()
      expect(log.count(LAST_USED_UPDATE)).toBe(0)
      await service.flushLastUsed()
      expect(log.count(LAST_USED_UPDATE)).toBe(1)
      const used = (await service.retrieve(key.id)).last_used_at
      expect(used).toBeInstanceOf(Date)
      for (let i = 0; i < 50; i++) await service.authenticate(key.token)
      await service.flushLastUsed()
      expect(log.count(LAST_USED_UPDATE)).toBe(1)
      expect((await service.retrieve(key.id)).last_used_at).toEqual(used)
    })

    it("moves forward once the interval has passed", async () => {
      const { service, log } = await instance({ lastUsedAt: { intervalMs: 300, flushMs: 10 } })
      const key = await createSecret(service)
      log.reset()
      await service.authenticate(key.token)
      expect(await eventually(async () => (await service.retrieve(key.id)).last_used_at !== null)).toBe(true)
      const first = (await service.retrieve(key.id)).last_used_at!
      await sleep(350)
      await service.authenticate(key.token)
      await service.flushLastUsed()
      const second = (await service.retrieve(key.id)).last_used_at!
      expect(second.getTime()).toBeGreaterThan(first.getTime())
      expect(log.count(LAST_USED_UPDATE)).toBe(2)
    })

    it("is written on shutdown", async () => {
      const service = await initialize({ scrypt: FAST_SCRYPT, lastUsedAt: { flushMs: 60_000 }, database: { clientUrl: f.database.url } })
      const key = await createSecret(service)
      await service.authenticate(key.token)
      await service.onApplicationShutdown()
      expect((await f.service.retrieve(key.id)).last_used_at).toBeInstanceOf(Date)
    })

    it("is never written when turned off", async () => {
      const { service, log } = await instance({ lastUsedAt: false })
      const key = await createSecret(service)
      log.reset()
      await service.authenticate(key.token)
      await service.flushLastUsed()
      expect(log.count(LAST_USED_UPDATE)).toBe(0)
      expect((await service.retrieve(key.id)).last_used_at).toBeNull()
    })
  })

  describe("bounded scrypt work", () => {
    it("refuses a cold verification when the queue is full, without remembering the refusal", async () => {
      // Slow hashes (logN 17, ~0.4 s to verify) so the first verification still holds the only slot.
      const { service } = await instance({ scrypt: { logN: 17, r: 8, p: 1 }, scryptQueue: { concurrency: 1, maxQueue: 0 } })
      const [busy, refused] = await Promise.all([createSecret(service, "busy"), createSecret(service, "refused")])
      const first = service.authenticate(busy.token)
      // Once the first verification holds the slot, the next cold one finds the queue full.
      expect(await eventually(async () => service.authenticationStats().scrypt.active === 1)).toBe(true)
      expect(await service.authenticate(refused.token)).toBe(false)
      expect(await first).toEqual(expect.objectContaining({ id: busy.id }))
      expect(service.authenticationStats().scrypt.refused).toBe(1)
      expect(await service.authenticate(refused.token)).toEqual(expect.objectContaining({ id: refused.id }))
    })

    it("runs at most `concurrency` jobs and queues at most `maxQueue`", async () => {
      const limiter = new ScryptLimiter({ concurrency: 2, maxQueue: 1 })
      const releases: (() => void)[] = []
      const started: number[] = []
      const job = (n: number) => () =>
        new Promise<number>((resolve) => {
          started.push(n)
          releases.push(() => resolve(n))
        })
      const runs = [1, 2, 3].map((n) => limiter.run(job(n)))
      await expect(limiter.run(job(4))).rejects.toBeInstanceOf(ScryptQueueFullError)
      await sleep(0)
      expect(started).toEqual([1, 2])
      expect(limiter.queued).toBe(1)
      releases[0]()
      await runs[0]
      await sleep(0)
      expect(started).toEqual([1, 2, 3])
      releases[1]()
      releases[2]()
      expect(await Promise.all(runs)).toEqual([1, 2, 3])
      expect(limiter.active).toBe(0)
    })
  })

  describe("options", () => {
    it("fills in defaults", () => {
      const options = normalizeApiKeyModuleOptions({})
      expect(options.authCache).toEqual({ max: 10_000, ttlMs: 60_000, negativeTtlMs: 2_000, propagationMs: 1_000 })
      expect(options.lastUsedAt).toEqual({ intervalMs: 60_000, flushMs: 1_000 })
      expect(options.scryptQueue).toEqual({ concurrency: expect.any(Number), maxQueue: 256 })
      expect(options.hashFormat).toBe("scrypt-kdf")
    })

    it.each([
      [{ authCache: { max: 0 } }, "authCache.max must be a whole number of 1 or more; got 0"],
      [{ authCache: "yes" }, "authCache must be false or an object"],
      [{ authCache: { propagationMs: 10 } }, "authCache.propagationMs must be a whole number of 100 or more; got 10"],
      [{ lastUsedAt: { intervalMs: -1 } }, "lastUsedAt.intervalMs must be a whole number of 1 or more; got -1"],
      [{ scryptQueue: { concurrency: 0 } }, "scryptQueue.concurrency must be a whole number of 1 or more; got 0"],
      [{ hashFormat: "bcrypt" }, 'hashFormat must be "scrypt-kdf" (the default) or "medusa"; got "bcrypt"'],
      [{ hashFormat: "medusa", scrypt: { logN: 10 } }, 'scrypt cannot be changed with hashFormat "medusa"'],
    ])("rejects %j with a message saying what to fix", (options, message) => {
      expect(() => normalizeApiKeyModuleOptions(options)).toThrow(message)
    })
  })
})
