import type { EntityManager } from "@mikro-orm/postgresql"
import { Client, type Notification } from "pg"
import { performance } from "node:perf_hooks"
import { onTransactionCommit, onTransactionEnd, watchCallerTransaction } from "./transactions"
import { acquireRedisChangeBus, releaseRedisChangeBus, type RedisChangeBus, type RedisFeedListener } from "./redis-change-bus"
import { MedusaError } from "./medusa-error"

/**
 * The change feed: tells every process on the database that rows of an entity changed, through
 * PostgreSQL LISTEN/NOTIFY. Modules publish their entity changes here; caches subscribe to the
 * entities they depend on. A framework service, so no module reaches into another for it.
 *
 * Publishing runs `pg_notify` on the writer's entity manager, i.e. inside the transaction that
 * changes the rows: PostgreSQL delivers it only if, and only once, that transaction commits. This
 * process's own subscribers hear it at once and again when the transaction has ended (a reader
 * that saw the old row in between is then forgotten too). Messages carry ids (or digest prefixes),
 * never secrets. The channel of an entity is `<table>_changes` and a message is
 * `{ "k": [ids] }` (changed) or `{ "n": [prefixes] }` (created): the format earlier releases
 * read, so servers of two releases sharing a database during an upgrade still hear each other.
 *
 * Listening uses one dedicated `pg` Client (not a pool connection: LISTEN is per session). A
 * heartbeat query proves the session is alive and caught up — PostgreSQL sends a listening
 * session its pending notifications before answering its next query — so `alive(since)` means
 * "every change committed before `since` has been delivered". On any failure the session is
 * dropped, `lost()` is reported, and it reconnects with backoff.
 *
 * Where LISTEN cannot work (a transaction-pooling proxy such as PgBouncer in transaction mode) or
 * when the app has Redis configured, the same feed runs over Redis pub/sub instead (kind "redis",
 * see redis-change-bus.ts), and with neither it is kind "none": subscribers are never told the feed
 * is live, so no cache serves. openChangeFeed (change-feed-selection.ts) makes that choice.
 * Whatever the kind, `pg_notify` is still sent inside the transaction: a server of an earlier
 * release listening on PostgreSQL keeps hearing every change.
 */

export const CHANGE_FEED_APPLICATION_NAME = "medusa-change-feed"
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD_CHARS = 7_000
const RECONNECT_MIN_MS = 100
const RECONNECT_MAX_MS = 5_000
const HEARTBEAT_DEADLINE_MIN_MS = 5_000
const DEFAULT_HEARTBEAT_MS = 250

export interface ChangeMessage {
  /** Ids of changed (updated, revoked, deleted, restored …) rows. */
  k?: string[]
  /** Prefixes of lookup digests of created rows, for caches that remember unknown lookups. */
  n?: string[]
}

export interface ChangeSubscriber {
  /** `channel`: the changed table's channel (see changeChannel), for subscribers of several tables. */
  changed(message: ChangeMessage, channel: string): void
  /** (Re)connected and listening: nothing received before can be trusted. */
  resumed(since: number): void
  /** Every change committed before `since` (performance.now() ms) has been delivered. */
  alive(since: number): void
  lost(): void
}

/** How changes travel between processes: see openChangeFeed for how it is chosen. */
export type ChangeFeedKind = "postgres" | "redis" | "none"

export interface ChangeFeedOptions {
  connectionString: string
  applicationName?: string
  /** "postgres" unless given. */
  kind?: ChangeFeedKind
  /** Kind "redis": the server, and the namespace naming this database on it. */
  redis?: { url: string; namespace: string }
  /** A sentence for the start-up log line saying why this kind was chosen. */
  reason?: string
}

/** How long a write waits for a Redis feed that has never reached Redis before refusing. */
const ANNOUNCE_TIMEOUT_MS = 2_000

export function changeChannel(tableName: string): string {
  return `${tableName}_changes`
}

/**
 * The feeds of this process, by connection string. A change published on one is delivered at once
 * to the others on the same database too (modules, the link layer and the host each keep one), so
 * a cache in this process never waits for PostgreSQL to hear a change made here.
 */
const feedsOfProcess = new Map<string, Set<ChangeFeed>>()

/** Which database a connection string names (user, host, port, database), however it is spelled. */
function databaseIdentity(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    return `${decodeURIComponent(url.username)}@${url.hostname}:${url.port || "5432"}${url.pathname}`
  } catch {
    return connectionString
  }
}

export class ChangeFeed {
  private client: Client | undefined
  /** Subscribers by channel. */
  private readonly subscribers = new Map<string, Set<ChangeSubscriber>>()
  private heartbeatMs = DEFAULT_HEARTBEAT_MS
  private listening = false
  private closed = false
  private attempts = 0
  private heartbeatTimer: NodeJS.Timeout | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private listeningWaiters: (() => void)[] = []
  /** Sessions opened, including reconnects (see stats()). */
  private connections = 0

  private readonly database: string
  readonly kind: ChangeFeedKind
  private readonly bus: RedisChangeBus | undefined
  private readonly busListener: RedisFeedListener | undefined

  constructor(private readonly options: ChangeFeedOptions) {
    this.kind = options.kind ?? "postgres"
    if (this.kind === "redis") {
      if (!options.redis) throw new Error("A Redis change feed needs options.redis ({ url, namespace })")
      this.bus = acquireRedisChangeBus(options.redis.url, options.redis.namespace)
      this.busListener = {
        deliver: (channel, message) => this.deliver(channel, message),
        resumed: (since) => {
          for (const subscriber of this.allSubscribers()) subscriber.resumed(since)
          for (const wake of this.listeningWaiters.splice(0)) wake()
        },
        alive: (since) => {
          for (const subscriber of this.allSubscribers()) subscriber.alive(since)
        },
        lost: () => {
          for (const subscriber of this.allSubscribers()) subscriber.lost()
        },
      }
      this.bus.attach(this.busListener)
    }
    this.database = databaseIdentity(options.connectionString)
    const feeds = feedsOfProcess.get(this.database) ?? new Set()
    feeds.add(this)
    feedsOfProcess.set(this.database, feeds)
  }

  // ---- publishing (inside the writer's transaction) -----------------------------------------

  async publish(em: EntityManager, tableName: string, message: ChangeMessage): Promise<void> {
    const channel = changeChannel(tableName)
    const fields = (["k", "n"] as const).filter((field) => message[field]?.length)
    if (!fields.length) return
    this.deliverLocally(channel, message)
    for (const field of fields) {
      for (const chunk of chunksWithin(message[field]!, MAX_PAYLOAD_CHARS)) {
        await em.getConnection().execute("select pg_notify(?, ?)", [channel, JSON.stringify({ [field]: chunk })], "all", em.getTransactionContext())
      }
    }
    // When the transaction is one this process cannot observe, its own notification (delivered
    // after the commit) is what tells this process's subscribers the second time.
    const observable = onTransactionEnd(em, () => this.deliverLocally(channel, message))
    if (this.bus) await this.publishToRedis(this.bus, em, channel, message, observable)
  }

  /**
   * Redis hears of a change only once it has committed (a message before the commit could let
   * another process read the old row again after forgetting it). A transaction opened by this
   * framework tells when it commits; another one (a caller's own `em.transactional`) is watched
   * through its PostgreSQL transaction id. A publisher that has never reached Redis is refused
   * here, inside the transaction, so the write rolls back: no process would know to wait for it.
   */
  private async publishToRedis(bus: RedisChangeBus, em: EntityManager, channel: string, message: ChangeMessage, observable: boolean): Promise<void> {
    if (!(await bus.whenAnnounced(ANNOUNCE_TIMEOUT_MS))) {
      throw new MedusaError(
        MedusaError.Types.SERVICE_UNAVAILABLE,
        `The change feed cannot reach Redis at ${redactUrl(bus.redisUrl)}, so other servers would not hear of this change; the change was not made. Start Redis or fix redisUrl, then retry`
      )
    }
    const messages = (["k", "n"] as const).flatMap((field) => (message[field]?.length ? chunksWithin(message[field]!, MAX_PAYLOAD_CHARS).map((chunk) => ({ [field]: chunk })) : []))
    const send = () => bus.publish(channel, messages)
    if (observable) onTransactionCommit(em, send)
    // A caller's transaction: sent once it has ended, also when how it ended is unknown — a notice
    // about a change that did not happen only costs a cache a re-read, a missed one is stale data.
    else {
      const watch = watchCallerTransaction(em)
      await watch.idRead
      void watch.outcome.then(send, send)
    }
  }

  private deliverLocally(channel: string, message: ChangeMessage): void {
    for (const feed of feedsOfProcess.get(this.database) ?? [this]) feed.deliver(channel, message)
  }

  private deliver(channel: string, message: ChangeMessage): void {
    for (const subscriber of this.subscribers.get(channel) ?? []) subscriber.changed(message, channel)
  }

  // ---- listening ----------------------------------------------------------------------------

  /**
   * Hears changes of `tableName` (or each of several tables) from every process. `propagationMs`
   * is the subscriber's bound on how late a change may be heard; the heartbeat runs a few times
   * within it. A subscriber of several tables is told `resumed`/`alive`/`lost` once.
   */
  subscribe(tableName: string | string[], subscriber: ChangeSubscriber, options: { propagationMs?: number } = {}): void {
    for (const table of Array.isArray(tableName) ? tableName : [tableName]) {
      const channel = changeChannel(table)
      const set = this.subscribers.get(channel) ?? new Set()
      set.add(subscriber)
      this.subscribers.set(channel, set)
    }
    if (options.propagationMs) this.heartbeatMs = Math.min(this.heartbeatMs, Math.max(25, Math.floor(options.propagationMs / 4)))
    // Without a way to hear other processes no subscriber is ever told the feed is live.
    if (this.kind === "none") return
    if (this.bus) {
      if (options.propagationMs) this.bus.tightenHeartbeat(options.propagationMs)
      // The bus hears every table of the database already: a new subscriber may start at once.
      if (this.bus.listening) subscriber.resumed(performance.now())
      return
    }
    // A new channel needs a session that listens to it: start over (subscribers resume from nothing).
    if (this.client) this.drop(this.client)
    else if (!this.reconnectTimer) void this.connect()
  }

  get isListening(): boolean {
    return this.bus ? this.bus.listening : this.listening
  }

  stats(): { listening: boolean; connections: number; kind: ChangeFeedKind } {
    if (this.bus) return { listening: this.bus.listening, connections: this.bus.connections, kind: this.kind }
    return { listening: this.listening, connections: this.connections, kind: this.kind }
  }

  /** One line for the start-up log: which feed, and why. */
  describe(): string {
    const what =
      this.kind === "redis"
        ? `Redis pub/sub at ${redactUrl(this.bus!.redisUrl)}`
        : this.kind === "postgres"
          ? "PostgreSQL LISTEN/NOTIFY"
          : "none: the verification caches are not served, every authenticate and store key check goes to the database"
    return `Change feed: ${this.kind} (${what})${this.options.reason ? `; ${this.options.reason}` : ""}`
  }

  /** Resolves true once listening (now or later), false after `timeoutMs`. */
  whenListening(timeoutMs: number): Promise<boolean> {
    if (this.isListening) return Promise.resolve(true)
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.listeningWaiters = this.listeningWaiters.filter((w) => w !== wake)
        resolve(false)
      }, timeoutMs)
      timer.unref()
      this.listeningWaiters.push(wake)
    })
  }

  private allSubscribers(): ChangeSubscriber[] {
    return [...new Set([...this.subscribers.values()].flatMap((set) => [...set]))]
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.bus) {
      this.bus.detach(this.busListener!)
      await releaseRedisChangeBus(this.bus)
    }
    feedsOfProcess.get(this.database)?.delete(this)
    if (!feedsOfProcess.get(this.database)?.size) feedsOfProcess.delete(this.database)
    clearTimeout(this.heartbeatTimer)
    clearTimeout(this.reconnectTimer)
    const client = this.client
    this.client = undefined
    this.listening = false
    await client?.end().catch(() => undefined)
  }

  private async connect(): Promise<void> {
    if (this.closed) return
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? CHANGE_FEED_APPLICATION_NAME,
      keepAlive: true,
    })
    this.client = client
    this.connections++
    client.on("error", () => this.drop(client))
    client.on("end", () => this.drop(client))
    client.on("notification", (message) => {
      if (this.client === client) this.receive(message)
    })
    try {
      await client.connect()
      const since = performance.now()
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN "${channel}"`)
      if (this.client !== client) return
      this.listening = true
      this.attempts = 0
      for (const subscriber of this.allSubscribers()) subscriber.resumed(since)
      for (const wake of this.listeningWaiters.splice(0)) wake()
      this.scheduleHeartbeat(client)
    } catch {
      this.drop(client)
    }
  }

  private receive(message: Notification): void {
    const subscribers = this.subscribers.get(message.channel)
    if (!subscribers || !message.payload) return
    let parsed: ChangeMessage
    try {
      parsed = JSON.parse(message.payload) as ChangeMessage
    } catch {
      return
    }
    const heard: ChangeMessage = {
      ...(Array.isArray(parsed.k) ? { k: parsed.k.filter((id) => typeof id === "string") } : {}),
      ...(Array.isArray(parsed.n) ? { n: parsed.n.filter((p) => typeof p === "string") } : {}),
    }
    for (const subscriber of subscribers) subscriber.changed(heard, message.channel)
  }

  private scheduleHeartbeat(client: Client): void {
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(client), this.heartbeatMs)
    // The feed must never keep a process alive on its own.
    this.heartbeatTimer.unref()
  }

  private async heartbeat(client: Client): Promise<void> {
    if (this.client !== client) return
    const since = performance.now()
    // A session that does not answer for a while is treated as gone (e.g. a silent network drop
    // that TCP would notice only minutes later). Caching already stopped once answers were late
    // (the subscriber serves only within `alive(since)` + its bound); this only reconnects, so it
    // is lenient enough not to churn connections when the event loop is merely busy.
    const deadline = setTimeout(() => this.drop(client), Math.max(this.heartbeatMs * 4, HEARTBEAT_DEADLINE_MIN_MS))
    deadline.unref()
    try {
      await client.query("select 1")
      clearTimeout(deadline)
      if (this.client !== client) return
      for (const subscriber of this.allSubscribers()) subscriber.alive(since)
      this.scheduleHeartbeat(client)
    } catch {
      clearTimeout(deadline)
      this.drop(client)
    }
  }

  private drop(client: Client): void {
    if (this.client !== client) return
    this.client = undefined
    clearTimeout(this.heartbeatTimer)
    this.listening = false
    // Later errors of the dead session must not crash the process.
    client.on("error", () => undefined)
    client.end().catch(() => undefined)
    for (const subscriber of this.allSubscribers()) subscriber.lost()
    if (this.closed) return
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts++)
    this.reconnectTimer = setTimeout(() => void this.connect(), delay * (0.5 + Math.random() / 2))
    this.reconnectTimer.unref()
  }
}

/** A URL without its password, for log lines and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = "***"
    return parsed.toString().replace(/\/$/, "")
  } catch {
    return "(unparseable URL)"
  }
}

/** Splits items into groups whose JSON stays under `limit` characters. */
function chunksWithin(items: string[], limit: number): string[][] {
  const chunks: string[][] = []
  let current: string[] = []
  let size = 0
  for (const item of items) {
    const cost = JSON.stringify(item).length + 1
    if (current.length && size + cost > limit) {
      chunks.push(current)
      current = []
      size = 0
    }
    current.push(item)
    size += cost
  }
  if (current.length) chunks.push(current)
  return chunks
}
