import { performance } from "node:perf_hooks"
import type { ApiKeyRateLimit } from "../models/api-key"
import { resetIndex, type RateLimitOutcome, type RateLimitStore } from "./store"

/** One key's log: the times of its allowed requests still in the window, oldest first, from `head`. */
interface KeyLog {
  stamps: number[]
  head: number
  windowMs: number
}

/** Logs checked for expiry per hit, least recently used first: keeps idle keys from piling up. */
const SWEEP_PER_HIT = 2
/** The log's array is compacted once this many expired slots lead it (and they are over half of it). */
const COMPACT_AFTER = 64

/**
 * The sliding window log in this process's memory. Each server counts on its own: with N servers
 * behind a load balancer a key may make up to N × limit requests per window in total (see README,
 * "Rate limits"). The clock is monotonic (`performance.now()`), so a wall-clock jump changes
 * nothing; tests hand in their own. Memory per key grows with its limit (one number per request
 * in the window) and is given back once the key's window has passed.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = "memory"
  private readonly logs = new Map<string, KeyLog>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  hit(keyId: string, { limit, window_s }: ApiKeyRateLimit): RateLimitOutcome {
    const now = this.now()
    const windowMs = window_s * 1000
    let log = this.logs.get(keyId)
    // Re-inserted on every use, so the map's first entries are the least recently used.
    if (log) this.logs.delete(keyId)
    else log = { stamps: [], head: 0, windowMs }
    log.windowMs = windowMs
    this.logs.set(keyId, log)
    dropExpired(log, now)
    let count = log.stamps.length - log.head
    const allowed = count < limit
    if (allowed) {
      log.stamps.push(now)
      count++
    }
    const reset_ms = log.stamps[log.head + resetIndex(count, limit)] + windowMs - now
    this.sweep(now, keyId)
    return { allowed, limit, window_s, remaining: Math.max(0, limit - count), reset_ms }
  }

  /** Keys with a log in memory (for tests). */
  get size(): number {
    return this.logs.size
  }

  private sweep(now: number, current: string): void {
    let checked = 0
    for (const [id, log] of this.logs) {
      if (id === current || checked++ >= SWEEP_PER_HIT) return
      const newest = log.stamps[log.stamps.length - 1]
      if (newest !== undefined && newest + log.windowMs > now) return
      this.logs.delete(id)
    }
  }

  async close(): Promise<void> {
    this.logs.clear()
  }
}

/** A request made at `t` counts while `now < t + window`: at `t + window` exactly it has left. */
function dropExpired(log: KeyLog, now: number): void {
  const cutoff = now - log.windowMs
  while (log.head < log.stamps.length && log.stamps[log.head] <= cutoff) log.head++
  if (log.head >= COMPACT_AFTER && log.head * 2 >= log.stamps.length) {
    log.stamps = log.stamps.slice(log.head)
    log.head = 0
  }
}
