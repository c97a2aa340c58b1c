import { MikroORM } from "@mikro-orm/postgresql"
import { ApiKey, initialize, MedusaError, runMigrations, type ApiKeyModuleService } from "../src"
import { openChangeFeed } from "../src/framework/modules-sdk/change-feed-selection"
import type { ApiKeyModuleOptions } from "../src/modules/api-key/types/options"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { FAST_SCRYPT } from "./setup/module"
import { freePort } from "./setup/ports"
import { startOwnRedis, startPgBouncer, type OwnServer } from "./setup/servers"
import { eventually as poll, sleep } from "./setup/wait"

/** The feeds here start servers and proxies: give them longer than the default. */
const eventually = (check: () => boolean | Promise<boolean>, ms = 10_000) => poll(check, ms)

/**
 * The change feed over Redis pub/sub, on the real Redis (and redis-servers of the test's own where
 * one is killed) and a real PgBouncer in transaction mode: the caches of every process hear a
 * change within the propagation window (1 s), stop serving while the feed is not proven live, and a
 * database reached through a transaction pooler gets the Redis feed, or no cache at all.
 */

const PROPAGATION_MS = 1_000
/** The window plus room for the polling itself on a busy machine. */
const SEEN_WITHIN_MS = PROPAGATION_MS + 1_000
const SHARED_REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"



/** The SQL statements one module instance sends (its `database.logger` option). */
function statementLog() {
  const statements: string[] = []
  return {
    logger: (message: string) => void (message.includes("[query]") && statements.push(message)),
    reset: () => void (statements.length = 0),
    selects: () => statements.filter((s) => /\[query\].*select /i.test(s)).length,
  }
}

const caching = (service: ApiKeyModuleService) => service.authenticationStats().cache?.serving === true

let db: TestDatabase
const instances: ApiKeyModuleService[] = []

beforeAll(async () => {
  db = await createTestDatabase("feed")
  await runMigrations({ options: { database: { clientUrl: db.url } } })
})
afterEach(async () => {
  await Promise.all(instances.splice(0).map((service) => service.onApplicationShutdown()))
})
afterAll(async () => {
  await db.drop()
})

async function instance(options: Omit<ApiKeyModuleOptions, "database"> & { clientUrl?: string } = {}) {
  const log = statementLog()
  const { clientUrl = db.url, ...rest } = options
  const service = await initialize({ scrypt: FAST_SCRYPT, authCache: { propagationMs: PROPAGATION_MS }, ...rest, database: { clientUrl, logger: log.logger } })
  instances.push(service)
  return { service, log }
}

const createSecret = (service: ApiKeyModuleService) => service.create({ title: "k", type: "secret", created_by: "u" })

describe("the change feed over Redis", () => {
  it("is chosen when Redis is configured, and caches", async () => {
    const { service, log } = await instance({ changeFeed: { redisUrl: SHARED_REDIS } })
    expect(service.authenticationStats().feed).toBe("redis")
    expect(await eventually(() => caching(service))).toBe(true)
    const key = await createSecret(service)
    expect(await service.authenticate(key.token)).toBeTruthy()
    expect(await eventually(async () => (log.reset(), !!(await service.authenticate(key.token)) && log.selects() === 0))).toBe(true)
  })

  it("stays on PostgreSQL when Redis is not configured", async () => {
    const { service } = await instance()
    expect(service.authenticationStats().feed).toBe("postgres")
  })

  it("refuses a Redis URL that is not one, naming the option", async () => {
    await expect(instance({ changeFeed: { redisUrl: "http://127.0.0.1:6379" } })).rejects.toThrow(
      'changeFeed.redisUrl must be a redis:// or rediss:// URL such as "redis://127.0.0.1:6379"; got "http://127.0.0.1:6379"'
    )
    await expect(instance({ changeFeed: { redisURL: SHARED_REDIS } as never })).rejects.toThrow("Unknown option changeFeed.redisURL: changeFeed takes redisUrl")
  })

  describe("with a second server in its own OS process", () => {
    let child: FixtureProcess
    beforeAll(async () => {
      const options = { scrypt: FAST_SCRYPT, authCache: { propagationMs: PROPAGATION_MS }, changeFeed: { redisUrl: SHARED_REDIS }, database: { clientUrl: db.url } }
      child = await forkFixture("authenticate-process.js", { API_KEY_MODULE_OPTIONS: JSON.stringify(options) })
      expect(await child.call("whenCaching")).toBe(true)
    })
    afterAll(() => child.close())

    it("stops accepting a key there within the window once it is revoked here", async () => {
      const { service } = await instance({ changeFeed: { redisUrl: SHARED_REDIS } })
      expect(await eventually(() => caching(service))).toBe(true)
      const key = await createSecret(service)
      expect((await child.call("stats")).feed).toBe("redis")
      const before = await child.call<number>("scryptVerifications")
      for (let i = 0; i < 5; i++) expect(await child.call("authenticate", key.token)).toEqual(expect.objectContaining({ id: key.id }))
      // Served from its cache: one verification for five calls.
      expect((await child.call<number>("scryptVerifications")) - before).toBe(1)
      await service.revoke(key.id)
      const revokedAt = Date.now()
      expect(await eventually(async () => (await child.call("authenticate", key.token)) === false, SEEN_WITHIN_MS)).toBe(true)
      expect(Date.now() - revokedAt).toBeLessThan(SEEN_WITHIN_MS)
    })

    it("lets this process hear a revocation made there", async () => {
      const { service } = await instance({ changeFeed: { redisUrl: SHARED_REDIS } })
      expect(await eventually(() => caching(service))).toBe(true)
      const key = await createSecret(service)
      expect(await service.authenticate(key.token)).toBeTruthy()
      await child.call("revoke", key.id)
      expect(await eventually(async () => (await service.authenticate(key.token)) === false, SEEN_WITHIN_MS)).toBe(true)
    })
  })

  describe("when Redis goes down", () => {
    let redis: OwnServer
    beforeAll(async () => {
      redis = await startOwnRedis()
    })
    afterAll(() => redis.stop())

    it("bypasses the caches until it is back, honours revocations meanwhile, then caches again", async () => {
      const a = await instance({ changeFeed: { redisUrl: redis.url } })
      const b = await instance({ changeFeed: { redisUrl: redis.url } })
      expect(await eventually(() => caching(a.service) && caching(b.service))).toBe(true)
      const [kept, revoked] = await Promise.all([createSecret(a.service), createSecret(a.service)])
      expect(await eventually(async () => (b.log.reset(), !!(await b.service.authenticate(kept.token)) && b.log.selects() === 0))).toBe(true)
      expect(await b.service.authenticate(revoked.token)).toBeTruthy()

      await redis.kill()
      expect(await eventually(() => !caching(a.service) && !caching(b.service), SEEN_WITHIN_MS)).toBe(true)
      expect(b.service.authenticationStats().listening).toBe(false)
      b.log.reset()
      expect(await b.service.authenticate(kept.token)).toBeTruthy()
      expect(await b.service.authenticate(kept.token)).toBeTruthy()
      // Every call reads the row: the cache cannot be trusted.
      expect(b.log.selects()).toBe(2)
      // A server that reached Redis before still writes; the notice waits for Redis.
      await a.service.revoke(revoked.id)
      expect(await b.service.authenticate(revoked.token)).toBe(false)

      await redis.restart()
      expect(await eventually(() => caching(a.service) && caching(b.service), 15_000)).toBe(true)
      expect(await b.service.authenticate(revoked.token)).toBe(false)
      expect(await eventually(async () => (b.log.reset(), !!(await b.service.authenticate(kept.token)) && b.log.selects() === 0))).toBe(true)
    })
  })

  it("refuses a write, rolling it back, when Redis has never been reachable", async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`
    const { service } = await instance({ changeFeed: { redisUrl: closed } })
    expect(service.authenticationStats().cache?.serving).toBe(false)
    const error = await service.create({ title: "never", type: "publishable", created_by: "u" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe("service_unavailable")
    expect((error as Error).message).toContain(`The change feed cannot reach Redis at ${closed}`)
    expect(await queryDatabase(db.url, "select id from api_key where title = 'never'")).toEqual([])
  })

  it("makes every other process stop serving when a publisher dies without a goodbye, then serve again", async () => {
    const { service } = await instance({ changeFeed: { redisUrl: SHARED_REDIS } })
    expect(await eventually(() => caching(service))).toBe(true)
    const options = { scrypt: FAST_SCRYPT, changeFeed: { redisUrl: SHARED_REDIS }, database: { clientUrl: db.url } }
    const doomed = await forkFixture("authenticate-process.js", { API_KEY_MODULE_OPTIONS: JSON.stringify(options) })
    expect(await doomed.call("whenCaching")).toBe(true)
    await sleep(300)
    // Killed at once, as a crash between a commit and its publish would leave it.
    void doomed.call("kill").catch(() => undefined)
    expect(await eventually(() => !caching(service), SEEN_WITHIN_MS + 500)).toBe(true)
    expect(await eventually(() => caching(service), 15_000)).toBe(true)
  })
})

describe("behind PgBouncer in transaction mode", () => {
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>
  let pooledUrl: string
  beforeAll(async () => {
    bouncer = await startPgBouncer(process.env.DATABASE_URL!)
    pooledUrl = bouncer.urlFor(db.name)
  })
  afterAll(() => bouncer.stop())

  it("detects that LISTEN does not work, serves no cache and says so at start", async () => {
    const written: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), write(chunk, ...rest))) as typeof process.stderr.write
    let service: ApiKeyModuleService
    try {
      ;({ service } = await instance({ clientUrl: pooledUrl }))
    } finally {
      process.stderr.write = write
    }
    expect(service.authenticationStats().feed).toBe("none")
    expect(written.join("")).toContain("Change feed: none")
    expect(written.join("")).toContain("LISTEN does not work on this database connection")
    const key = await createSecret(service)
    await sleep(PROPAGATION_MS)
    expect(caching(service)).toBe(false)
    for (let i = 0; i < 3; i++) expect(await service.authenticate(key.token)).toBeTruthy()
    expect(service.authenticationStats().cache).toEqual(expect.objectContaining({ hits: 0, serving: false }))
    // Revoking works, and is seen at once (every call reads the database).
    await service.revoke(key.id)
    expect(await service.authenticate(key.token)).toBe(false)
  })

  it("describes the feed in one line for the start-up log", async () => {
    const none = await openChangeFeed({ connectionString: pooledUrl })
    const postgres = await openChangeFeed({ connectionString: db.url })
    const redis = await openChangeFeed({ connectionString: pooledUrl, redisUrl: "redis://:secret@127.0.0.1:6379" })
    try {
      expect(none.describe()).toMatch(/^Change feed: none \(none: the verification caches are not served/)
      expect(postgres.describe()).toBe("Change feed: postgres (PostgreSQL LISTEN/NOTIFY)")
      expect(redis.describe()).toBe("Change feed: redis (Redis pub/sub at redis://:***@127.0.0.1:6379); Redis is configured")
    } finally {
      await Promise.all([none.close(), postgres.close(), redis.close()])
    }
  })

  it("uses the Redis feed when Redis is configured: a revocation through the pooler is seen by another server within the window", async () => {
    const a = await instance({ clientUrl: pooledUrl, changeFeed: { redisUrl: SHARED_REDIS } })
    const b = await instance({ clientUrl: pooledUrl, changeFeed: { redisUrl: SHARED_REDIS } })
    expect(a.service.authenticationStats().feed).toBe("redis")
    expect(await eventually(() => caching(a.service) && caching(b.service))).toBe(true)
    const key = await createSecret(a.service)
    expect(await eventually(async () => (b.log.reset(), !!(await b.service.authenticate(key.token)) && b.log.selects() === 0))).toBe(true)
    await a.service.revoke(key.id)
    const revokedAt = Date.now()
    expect(await eventually(async () => (await b.service.authenticate(key.token)) === false, SEEN_WITHIN_MS)).toBe(true)
    expect(Date.now() - revokedAt).toBeLessThan(SEEN_WITHIN_MS)
  })

  it("publishes after the commit of a transaction it did not open (a caller's own)", async () => {
    const a = await instance({ clientUrl: pooledUrl, changeFeed: { redisUrl: SHARED_REDIS } })
    const b = await instance({ clientUrl: pooledUrl, changeFeed: { redisUrl: SHARED_REDIS } })
    expect(await eventually(() => caching(a.service) && caching(b.service))).toBe(true)
    const key = await createSecret(a.service)
    expect(await eventually(async () => (b.log.reset(), !!(await b.service.authenticate(key.token)) && b.log.selects() === 0))).toBe(true)
    const orm = await MikroORM.init({ clientUrl: pooledUrl, entities: [ApiKey.entity], discovery: { warnWhenNoEntities: false } })
    try {
      await orm.em.fork().transactional(async (em) => {
        await a.service.revoke(key.id, {}, { transactionManager: em })
        // Not committed yet: the other server still accepts the key, reading it again and again
        // (this process told its own caches at once). A notice sent now would be followed by a
        // read of the old row that nothing would ever invalidate.
        for (let i = 0; i < 10; i++) {
          expect(await b.service.authenticate(key.token)).toBeTruthy()
          await sleep(30)
        }
      })
      expect(await eventually(async () => (await b.service.authenticate(key.token)) === false, SEEN_WITHIN_MS)).toBe(true)
    } finally {
      await orm.close(true)
    }
  })
})
