import type { EntityManager } from "@mikro-orm/postgresql"
import { Client, type Notification } from "pg"
import { performance } from "node:perf_hooks"

/**
 * Tells every process on the database that API keys changed, through PostgreSQL LISTEN/NOTIFY.
 *
 * Publishing runs `pg_notify` on the caller's entity manager, i.e. inside the transaction that
 * changes the keys: PostgreSQL delivers it only if, and only once, that transaction commits.
 * Messages carry key ids (changes) or 64-bit lookup-digest prefixes (creations), never tokens.
 *
 * Listening uses one dedicated `pg` Client per module instance (not a pool connection: LISTEN is
 * per session). A heartbeat query proves the session is alive and caught up — PostgreSQL sends a
 * listening session its pending notifications before answering its next query — so `alive(since)`
 * means "every change committed before `since` has been delivered". On any failure the session
 * is dropped, `lost()` is reported, and it reconnects with backoff.
 */

export const KEY_CHANGE_CHANNEL = "api_key_changes"
export const KEY_CHANGE_APPLICATION_NAME = "api-key-change-feed"
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD_CHARS = 7_000
const RECONNECT_MIN_MS = 100
const RECONNECT_MAX_MS = 5_000
const HEARTBEAT_DEADLINE_MIN_MS = 5_000

export interface KeyChangeSubscriber {
  keysChanged(ids: string[]): void
  keysCreated(lookupPrefixes: string[]): void
  /** (Re)connected and listening: nothing received before can be trusted. */
  resumed(since: number): void
  /** Every change committed before `since` (performance.now() ms) has been delivered. */
  alive(since: number): void
  lost(): void
}

interface KeyChangeMessage {
  /** Changed key ids. */
  k?: string[]
  /** Lookup-digest prefixes of created keys. */
  n?: string[]
}

export interface KeyChangeFeedOptions {
  connectionString: string
  /** How often the heartbeat runs; a session that misses several in a row is dropped. */
  heartbeatMs: number
  applicationName?: string
}

export class KeyChangeFeed {
  private client: Client | undefined
  private subscriber: KeyChangeSubscriber | undefined
  private listening = false
  private closed = false
  private attempts = 0
  private heartbeatTimer: NodeJS.Timeout | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private listeningWaiters: (() => void)[] = []
  /** Sessions opened, including reconnects; read by tests and the benchmark. */
  connections = 0

  constructor(private readonly options: KeyChangeFeedOptions) {}

  // ---- publishing (inside the caller's transaction) -----------------------------------------

  async publishChanged(em: EntityManager, ids: string[]): Promise<void> {
    await this.publish(em, "k", ids)
  }

  async publishCreated(em: EntityManager, lookupPrefixes: string[]): Promise<void> {
    await this.publish(em, "n", lookupPrefixes)
  }

  private async publish(em: EntityManager, field: keyof KeyChangeMessage, items: string[]): Promise<void> {
    for (const chunk of chunksWithin(items, MAX_PAYLOAD_CHARS)) {
      await em
        .getConnection()
        .execute("select pg_notify(?, ?)", [KEY_CHANGE_CHANNEL, JSON.stringify({ [field]: chunk })], "all", em.getTransactionContext())
    }
  }

  // ---- listening ----------------------------------------------------------------------------

  start(subscriber: KeyChangeSubscriber): void {
    this.subscriber = subscriber
    void this.connect()
  }

  get isListening(): boolean {
    return this.listening
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

  async close(): Promise<void> {
    this.closed = true
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
      application_name: this.options.applicationName ?? KEY_CHANGE_APPLICATION_NAME,
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
      await client.query(`LISTEN "${KEY_CHANGE_CHANNEL}"`)
      if (this.client !== client) return
      this.listening = true
      this.attempts = 0
      this.subscriber?.resumed(since)
      for (const wake of this.listeningWaiters.splice(0)) wake()
      this.scheduleHeartbeat(client)
    } catch {
      this.drop(client)
    }
  }

  private receive(message: Notification): void {
    if (message.channel !== KEY_CHANGE_CHANNEL || !message.payload) return
    let parsed: KeyChangeMessage
    try {
      parsed = JSON.parse(message.payload) as KeyChangeMessage
    } catch {
      return
    }
    if (Array.isArray(parsed.k)) this.subscriber?.keysChanged(parsed.k)
    if (Array.isArray(parsed.n)) this.subscriber?.keysCreated(parsed.n)
  }

  private scheduleHeartbeat(client: Client): void {
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(client), this.options.heartbeatMs)
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
    const deadline = setTimeout(() => this.drop(client), Math.max(this.options.heartbeatMs * 4, HEARTBEAT_DEADLINE_MIN_MS))
    deadline.unref()
    try {
      await client.query("select 1")
      clearTimeout(deadline)
      if (this.client !== client) return
      this.subscriber?.alive(since)
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
    this.subscriber?.lost()
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

interface KnexTransactor {
  parentTransaction?: KnexTransactor
  executionPromise?: Promise<unknown>
}

/**
 * Runs `callback` once the outermost transaction of `em` has committed or rolled back (at once
 * when there is no transaction). It is chained on the promise the commit itself awaits, so it runs
 * before the code that committed resumes. Returns false when the transaction exposes no such
 * promise (a driver change); the caller then relies on its own notification instead.
 */
export function afterTransactionEnds(em: EntityManager, callback: () => void): boolean {
  let trx = em.getTransactionContext<KnexTransactor>()
  if (!trx) {
    callback()
    return true
  }
  while (trx.parentTransaction) trx = trx.parentTransaction
  if (!trx.executionPromise) return false
  trx.executionPromise.then(callback, callback)
  return true
}
