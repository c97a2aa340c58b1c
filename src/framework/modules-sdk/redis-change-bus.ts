import { randomBytes } from "node:crypto"
import { performance } from "node:perf_hooks"
import Redis from "ioredis"
import type { ChangeMessage } from "./change-feed"

/**
 * The change feed's Redis transport: one per process, Redis server and database, shared by every
 * ChangeFeed of the process on that database (modules, links, the host). It is both the
 * publisher of the process's changes and the listener for everyone's.
 *
 * Wire format. Channels are `<namespace>:<table>_changes` (the namespace names the database, so two
 * apps on one Redis never hear each other) carrying the PostgreSQL feed's payload, `{"k": [ids]}`
 * or `{"n": [prefixes]}`, plus two additive fields: `p`, the publishing process (random per run),
 * and `s`, its sequence number. `<namespace>:heartbeat` carries `{p, s, h}`: "p is alive, and its
 * last change message was number s". `<namespace>:publishers` (a hash) lists the publishers with
 * the wall-clock time after which they may be forgotten.
 *
 * What `alive(since)` claims, and why it holds. Unlike NOTIFY, a Redis PUBLISH is not part of the
 * writer's transaction: the publisher sends it after the commit (see ChangeFeed.publish), so there
 * is a moment when a change is committed but not yet in Redis. The claim is therefore built from
 * two facts:
 *  1. Redis runs commands one at a time and pushes pub/sub messages to a subscriber in that order.
 *     When this process's own heartbeat, sent at `t`, comes back on its subscriber connection,
 *     every message Redis had received before `t` has been delivered here.
 *  2. Every publisher sends its change messages and its heartbeats through one ordered queue on one
 *     connection, the changes the moment their transaction commits. So when a heartbeat of
 *     publisher P is heard here at `r`, every change P committed before it sent that heartbeat has
 *     been heard here before it.
 * Hence `alive(min(t, r of every known publisher))`: every change committed before that moment has
 * been delivered. A publisher that stops being heard (Redis unreachable from it, a stalled or
 * crashed process — including one killed between its commit and its publish) pins that moment, so
 * the caches of every other process stop serving within their `propagationMs`; after `FORGET_MS` of
 * silence it is forgotten and the caches start over empty (whatever it failed to announce is in the
 * database by then, and an empty cache reads the database). A publisher says goodbye on close.
 * Sequence numbers catch a message that went missing while its publisher kept talking: a gap
 * empties the caches too. A subscriber learns the publishers that exist when it connects from the
 * `publishers` hash, and a publisher is in that hash before its first change can be published (see
 * whenAnnounced): no publisher can be unknown to a listening process while it has changes in flight.
 *
 * A publish that fails is retried, in order, until Redis takes it; meanwhile this process's own
 * caches report `lost` (its heartbeats wait behind the failed message, so other processes stop
 * serving too, by fact 2).
 */

export const FORGET_MS = 5_000
const DEFAULT_HEARTBEAT_MS = 100
const RETRY_MIN_MS = 50
const RETRY_MAX_MS = 1_000

export interface RedisFeedListener {
  /** `channel` is the table's channel, `<table>_changes`, as on the PostgreSQL feed. */
  deliver(channel: string, message: ChangeMessage): void
  resumed(since: number): void
  alive(since: number): void
  lost(): void
}

interface Outgoing {
  channel: string
  payload: Record<string, unknown>
  kind: "change" | "heartbeat" | "bye"
}

interface Publisher {
  seq: number
  heardAt: number
}

const buses = new Map<string, { bus: RedisChangeBus; users: number }>()

/** The process's bus for this Redis and database namespace (created on first use, shared after). */
export function acquireRedisChangeBus(redisUrl: string, namespace: string): RedisChangeBus {
  const key = `${redisUrl}\n${namespace}`
  const found = buses.get(key)
  if (found) {
    found.users++
    return found.bus
  }
  const bus = new RedisChangeBus(redisUrl, namespace, () => buses.delete(key))
  buses.set(key, { bus, users: 1 })
  return bus
}

export function releaseRedisChangeBus(bus: RedisChangeBus): Promise<void> {
  for (const [key, entry] of buses) {
    if (entry.bus !== bus) continue
    if (--entry.users > 0) return Promise.resolve()
    buses.delete(key)
    return bus.close()
  }
  return Promise.resolve()
}

export class RedisChangeBus {
  readonly id = randomBytes(8).toString("hex")
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly listeners = new Set<RedisFeedListener>()
  private readonly known = new Map<string, Publisher>()
  private readonly outbox: Outgoing[] = []
  private readonly heartbeatsSent = new Map<number, number>()
  private seq = 0
  private heartbeatCount = 0
  private heartbeatMs = DEFAULT_HEARTBEAT_MS
  private heartbeatTimer: NodeJS.Timeout | undefined
  private sending = false
  /** A change message could not be delivered yet (this process's caches are suspended). */
  private failing = false
  private announced = false
  private announceWaiters: (() => void)[] = []
  private closed = false
  listening = false
  /** Subscriber sessions opened, including reconnects. */
  connections = 0
  private ownSince = -Infinity

  constructor(
    readonly redisUrl: string,
    readonly namespace: string,
    private readonly onClosed: () => void
  ) {
    const retryStrategy = (attempt: number) => Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt)
    // Commands fail at once while disconnected (no offline queue): the outbox retries them itself, in order.
    this.pub = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, connectionName: "medusa-change-feed-pub" })
    this.sub = new Redis(redisUrl, { lazyConnect: true, autoResubscribe: false, maxRetriesPerRequest: 0, retryStrategy, connectionName: "medusa-change-feed-sub" })
    // Failures are handled through the connection's state; an unhandled "error" event would crash the process.
    this.pub.on("error", () => undefined)
    this.sub.on("error", () => undefined)
    this.pub.on("ready", () => void this.drain())
    this.sub.on("ready", () => void this.listen())
    this.sub.on("close", () => this.unlisten())
    this.sub.on("pmessage", (_pattern: string, channel: string, payload: string) => this.receive(channel, payload))
    this.pub.connect().catch(() => undefined)
    this.sub.connect().catch(() => undefined)
    this.scheduleHeartbeat()
  }

  private get registryKey(): string {
    return `${this.namespace}:publishers`
  }

  private get heartbeatChannel(): string {
    return `${this.namespace}:heartbeat`
  }

  attach(listener: RedisFeedListener): void {
    this.listeners.add(listener)
  }

  detach(listener: RedisFeedListener): void {
    this.listeners.delete(listener)
  }

  /** Heartbeats often enough for the tightest propagation bound of this process's caches. */
  tightenHeartbeat(propagationMs: number): void {
    this.heartbeatMs = Math.min(this.heartbeatMs, Math.max(20, Math.floor(propagationMs / 5)))
  }

  /** Resolves true once this publisher is registered in Redis (now or within `timeoutMs`). */
  whenAnnounced(timeoutMs: number): Promise<boolean> {
    if (this.announced) return Promise.resolve(true)
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.announceWaiters = this.announceWaiters.filter((w) => w !== wake)
        resolve(false)
      }, timeoutMs)
      timer.unref()
      this.announceWaiters.push(wake)
    })
  }

  /** Queues change messages of one committed transaction; they leave in order, retried until delivered. */
  publish(channel: string, messages: ChangeMessage[]): void {
    if (this.closed) return
    for (const message of messages) this.outbox.push({ channel: `${this.namespace}:${channel}`, payload: { ...message, p: this.id, s: ++this.seq }, kind: "change" })
    void this.drain()
  }

  // ---- sending ------------------------------------------------------------------------------

  private scheduleHeartbeat(): void {
    if (this.closed) return
    this.heartbeatTimer = setTimeout(() => {
      // One heartbeat waiting is enough: a stalled queue must not pile them up.
      if (!this.outbox.some((item) => item.kind === "heartbeat")) {
        this.outbox.push({ channel: this.heartbeatChannel, payload: { p: this.id, h: ++this.heartbeatCount }, kind: "heartbeat" })
        void this.drain()
      }
      this.scheduleHeartbeat()
    }, this.heartbeatMs)
    // The feed must never keep a process alive on its own.
    this.heartbeatTimer.unref()
  }

  private async drain(): Promise<void> {
    if (this.sending) return
    this.sending = true
    let failures = 0
    try {
      while (this.outbox.length) {
        const item = this.outbox[0]
        try {
          await this.send(item)
          this.outbox.shift()
          failures = 0
          if (this.failing && !this.outbox.some((i) => i.kind === "change")) {
            this.failing = false
            if (this.listening) this.resumeAll(performance.now())
          }
        } catch {
          if (this.closed && item.kind !== "bye") return
          if (item.kind === "change" && !this.failing) {
            this.failing = true
            for (const listener of this.listeners) listener.lost()
          }
          if (this.closed) return
          await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures++))
        }
      }
    } finally {
      this.sending = false
    }
  }

  private async send(item: Outgoing): Promise<void> {
    if (item.kind === "change") {
      await this.pub.publish(item.channel, JSON.stringify(item.payload))
      return
    }
    // A heartbeat (or goodbye) carries the number of the last change message, which left before it.
    const payload = JSON.stringify({ ...item.payload, s: this.lastSentSeq() })
    const tx = this.pub.multi()
    if (item.kind === "bye") tx.hdel(this.registryKey, this.id)
    else tx.hset(this.registryKey, this.id, String(Date.now() + FORGET_MS))
    tx.publish(item.channel, payload)
    if (item.kind === "heartbeat") this.heartbeatsSent.set(item.payload.h as number, performance.now())
    const results = await tx.exec()
    const failed = results?.find(([error]) => error)
    if (!results || failed) throw failed?.[0] ?? new Error("Redis discarded the heartbeat")
    if (!this.announced && item.kind === "heartbeat") {
      this.announced = true
      for (const wake of this.announceWaiters.splice(0)) wake()
    }
  }

  /** The sequence number of the last change message that left (all queued ones are later). */
  private lastSentSeq(): number {
    const pending = this.outbox.filter((item) => item.kind === "change").length
    return this.seq - pending
  }

  // ---- listening ----------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const sub = this.sub
    try {
      // Who may have changes in flight: every publisher registered, before listening starts.
      const registered = await sub.hgetall(this.registryKey)
      const since = performance.now()
      await sub.psubscribe(`${this.namespace}:*`)
      if (this.closed || sub.status !== "ready") return
      this.known.clear()
      const wallNow = Date.now()
      for (const [id, until] of Object.entries(registered)) {
        if (id !== this.id && Number(until) > wallNow) this.known.set(id, { seq: -1, heardAt: since })
      }
      this.listening = true
      this.connections++
      this.resumeAll(since)
    } catch {
      // The connection reconnects by itself, and "ready" listens again.
      sub.disconnect(true)
    }
  }

  private unlisten(): void {
    if (!this.listening) return
    this.listening = false
    for (const listener of this.listeners) listener.lost()
  }

  private resumeAll(since: number): void {
    for (const listener of this.listeners) listener.resumed(since)
  }

  private receive(fullChannel: string, raw: string): void {
    if (!this.listening || !fullChannel.startsWith(`${this.namespace}:`)) return
    const channel = fullChannel.slice(this.namespace.length + 1)
    let payload: Record<string, unknown>
    try {
      payload = JSON.parse(raw) as Record<string, unknown>
    } catch {
      return
    }
    const publisher = typeof payload.p === "string" ? payload.p : undefined
    const seq = typeof payload.s === "number" ? payload.s : undefined
    if (channel === "heartbeat") {
      if (publisher === this.id) return this.ownHeartbeat(payload.h)
      if (publisher !== undefined && seq !== undefined) this.heard(publisher, seq, payload.bye === true ? "bye" : "heartbeat")
      return
    }
    const message: ChangeMessage = {
      ...(Array.isArray(payload.k) ? { k: payload.k.filter((id): id is string => typeof id === "string") } : {}),
      ...(Array.isArray(payload.n) ? { n: payload.n.filter((p): p is string => typeof p === "string") } : {}),
    }
    for (const listener of this.listeners) listener.deliver(channel, message)
    if (publisher !== undefined && publisher !== this.id && seq !== undefined) this.heard(publisher, seq, "change")
  }

  /** Notes a message of another publisher; a missing sequence number means a lost change: start over. */
  private heard(publisher: string, seq: number, kind: "change" | "heartbeat" | "bye"): void {
    const now = performance.now()
    const known = this.known.get(publisher)
    const expected = known && known.seq >= 0 ? (kind === "change" ? known.seq + 1 : known.seq) : undefined
    if (kind === "bye") this.known.delete(publisher)
    else this.known.set(publisher, { seq, heardAt: now })
    if (expected !== undefined && seq !== expected) this.resumeAll(now)
  }

  private ownHeartbeat(h: unknown): void {
    const sentAt = typeof h === "number" ? this.heartbeatsSent.get(h) : undefined
    if (sentAt === undefined) return
    for (const n of this.heartbeatsSent.keys()) if (n <= (h as number)) this.heartbeatsSent.delete(n)
    this.ownSince = sentAt
    const now = performance.now()
    let forgot = false
    let since = this.ownSince
    for (const [id, publisher] of this.known) {
      if (now - publisher.heardAt > FORGET_MS) {
        this.known.delete(id)
        forgot = true
      } else if (publisher.heardAt < since) since = publisher.heardAt
    }
    // A publisher gone silent may have died between its commit and its publish: start over.
    if (forgot) this.resumeAll(now)
    if (this.failing) return
    for (const listener of this.listeners) listener.alive(since)
  }

  // ---- closing ------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return
    clearTimeout(this.heartbeatTimer)
    // Say goodbye after the last change, so no one waits for this publisher or starts over.
    this.outbox.splice(0, this.outbox.length, ...this.outbox.filter((item) => item.kind === "change"))
    this.outbox.push({ channel: this.heartbeatChannel, payload: { p: this.id, bye: true }, kind: "bye" })
    if (this.pub.status === "ready") {
      await Promise.race([this.flush(), sleep(1_000)])
    }
    this.closed = true
    this.listening = false
    this.onClosed()
    this.pub.disconnect()
    this.sub.disconnect()
  }

  private async flush(): Promise<void> {
    while (this.outbox.length && !this.closed) {
      void this.drain()
      await sleep(5)
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
