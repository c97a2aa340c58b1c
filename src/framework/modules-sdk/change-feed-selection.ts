import { createHash, randomBytes } from "node:crypto"
import { Client } from "pg"
import { ChangeFeed, CHANGE_FEED_APPLICATION_NAME } from "./change-feed"
import { invalid, isPlainObject } from "./errors"
import { assertKnownOptionKeys } from "./options"

/**
 * Which change feed a database gets, decided once at start:
 * - Redis configured (the app's `projectConfig.redisUrl`, or a module's `changeFeed.redisUrl`):
 *   the Redis feed, whatever the database.
 * - else, when LISTEN works on the database connection: the PostgreSQL feed (the default);
 * - else (a transaction-pooling proxy such as PgBouncer in transaction mode, or a hosted
 *   database's pooled URL): no feed, and caches that need one are not served — a cache that could
 *   not be told of a change is never used. Said once at start on stderr, and by `describe()`.
 *
 * LISTEN is tested, not guessed: a dedicated session LISTENs on a fresh channel and a second one
 * NOTIFYs it. Behind a transaction pooler the listening session holds no server connection once
 * its LISTEN has run, so the notice never reaches it: nothing within PROBE_TIMEOUT_MS means no.
 * (Looking for PgBouncer by its `SHOW` commands or version string would miss other poolers, and
 * would wrongly refuse PgBouncer in session mode, where LISTEN works.)
 */

const PROBE_TIMEOUT_MS = 1_000

export interface ChangeFeedSettings {
  /** Redis for the change feed (redis:// or rediss://). */
  redisUrl?: string
}

/** What `changeFeed` takes in module options. */
export const CHANGE_FEED_OPTION_KEYS = ["redisUrl"] as const

/** Checks a module's `changeFeed` option; returns it normalised (undefined when absent). */
export function validateChangeFeedOption(value: unknown): ChangeFeedSettings | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) throw invalid(`changeFeed must be an object such as { redisUrl: "redis://127.0.0.1:6379" }; got ${JSON.stringify(value)}`)
  assertKnownOptionKeys(value, CHANGE_FEED_OPTION_KEYS, "changeFeed.")
  const { redisUrl } = value as ChangeFeedSettings
  if (redisUrl !== undefined && !isRedisUrl(redisUrl)) {
    throw invalid(`changeFeed.redisUrl must be a redis:// or rediss:// URL such as "redis://127.0.0.1:6379"; got ${JSON.stringify(redisUrl)}`)
  }
  return { redisUrl }
}

/** A redis:// or rediss:// URL (what ioredis connects to). */
export function isRedisUrl(value: unknown): value is string {
  if (typeof value !== "string") return false
  try {
    return ["redis:", "rediss:"].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/** Probe results by database, so the modules, links and host of one app probe once. */
const listenSupport = new Map<string, Promise<boolean | undefined>>()
/** Databases whose "no feed" warning was already printed by this process. */
const warned = new Set<string>()

export async function openChangeFeed(options: { connectionString: string; redisUrl?: string; applicationName?: string }): Promise<ChangeFeed> {
  const { connectionString, redisUrl, applicationName } = options
  if (redisUrl) {
    const namespace = `medusa:change-feed:${await databaseFingerprint(connectionString)}`
    return new ChangeFeed({ connectionString, applicationName, kind: "redis", redis: { url: redisUrl, namespace }, reason: "Redis is configured" })
  }
  const listens = await listenWorks(connectionString)
  if (listens === false) {
    const feed = new ChangeFeed({
      connectionString,
      applicationName,
      kind: "none",
      reason: "LISTEN does not work on this database connection (a transaction-pooling proxy such as PgBouncer in transaction mode?) and no Redis is configured: set projectConfig.redisUrl (or the module option changeFeed.redisUrl) to cache again",
    })
    if (!warned.has(connectionString)) {
      warned.add(connectionString)
      process.stderr.write(`${feed.describe()}\n`)
    }
    return feed
  }
  return new ChangeFeed({ connectionString, applicationName })
}

/** True/false once probed; undefined when the database could not be asked (assume LISTEN works, as before). */
function listenWorks(connectionString: string): Promise<boolean | undefined> {
  let probe = listenSupport.get(connectionString)
  if (!probe) {
    probe = probeListen(connectionString)
    listenSupport.set(connectionString, probe)
    // An unanswered probe is asked again next time.
    void probe.then((result) => result === undefined && listenSupport.delete(connectionString))
  }
  return probe
}

async function probeListen(connectionString: string): Promise<boolean | undefined> {
  const channel = `medusa_change_feed_probe_${randomBytes(6).toString("hex")}`
  const listener = new Client({ connectionString, application_name: `${CHANGE_FEED_APPLICATION_NAME}-probe` })
  const notifier = new Client({ connectionString, application_name: `${CHANGE_FEED_APPLICATION_NAME}-probe` })
  listener.on("error", () => undefined)
  notifier.on("error", () => undefined)
  try {
    await listener.connect()
    await notifier.connect()
    const heard = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)
      listener.on("notification", (message) => {
        if (message.channel !== channel) return
        clearTimeout(timer)
        resolve(true)
      })
    })
    await listener.query(`LISTEN "${channel}"`)
    await notifier.query("select pg_notify($1, 'probe')", [channel])
    return await heard
  } catch {
    return undefined
  } finally {
    await Promise.all([listener.end().catch(() => undefined), notifier.end().catch(() => undefined)])
  }
}

/**
 * Names the database on a shared Redis: the cluster's system identifier and the database name,
 * so servers reaching one database directly and through a pooler share a feed, and two apps on one
 * Redis never hear each other. Falls back to the URL's user, host, port and database.
 */
async function databaseFingerprint(connectionString: string): Promise<string> {
  let identity: string
  const client = new Client({ connectionString, application_name: `${CHANGE_FEED_APPLICATION_NAME}-probe` })
  client.on("error", () => undefined)
  try {
    await client.connect()
    const { rows } = await client.query<{ id: string; db: string }>("select system_identifier::text as id, current_database() as db from pg_control_system()")
    identity = `${rows[0].id}/${rows[0].db}`
  } catch {
    try {
      const url = new URL(connectionString)
      identity = `${decodeURIComponent(url.username)}@${url.hostname}:${url.port || "5432"}${url.pathname}`
    } catch {
      identity = connectionString
    }
  } finally {
    await client.end().catch(() => undefined)
  }
  return createHash("sha256").update(identity).digest("hex").slice(0, 16)
}
