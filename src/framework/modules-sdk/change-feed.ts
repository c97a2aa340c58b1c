import type { EntityManager } from "@mikro-orm/postgresql"
import { Client, type Notification } from "pg"
import { performance } from "node:perf_hooks"
import { onTransactionEnd } from "./transactions"

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

export interface ChangeFeedOptions {
  connectionString: string
  applicationName?: string
}

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

  constructor(private readonly options: ChangeFeedOptions) {
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
    onTransactionEnd(em, () => this.deliverLocally(channel, message))
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
    // A new channel needs a session that listens to it: start over (subscribers resume from nothing).
    if (this.client) this.drop(this.client)
    else if (!this.reconnectTimer) void this.connect()
  }

  get isListening(): boolean {
    return this.listening
  }

  stats(): { listening: boolean; connections: number } {
    return { listening: this.listening, connections: this.connections }
  }

  /** Resolves true once listening (now or later), false after `timeoutMs`. */
  whenListening(timeoutMs: number): Promise<boolean> {
    if (this.listening) return Promise.resolve(true)
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
    this.closed = true
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
