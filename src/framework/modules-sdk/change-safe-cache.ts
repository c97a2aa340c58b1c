import { performance } from "node:perf_hooks"
import { changeChannel, type ChangeFeed, type ChangeMessage } from "./change-feed"

/** The knobs every change-safe cache takes (the api key module's `authCache` option). */
export interface ChangeSafeCacheSettings {
  /** Most entries held at once (and, separately, most "unknown" entries). */
  max: number
  /** How long an entry is served before the database is asked again. */
  ttlMs: number
  /** How long a lookup that found nothing is remembered; 0 turns that off. */
  negativeTtlMs: number
  /** Upper bound on how late a change made by another process may be heard. */
  propagationMs: number
}

/** Negative entries are keyed by this many hex characters of the lookup digest (64 bits). */
export const UNKNOWN_PREFIX_LENGTH = 16

export function unknownTokenPrefix(digest: string): string {
  return digest.slice(0, UNKNOWN_PREFIX_LENGTH)
}

interface Entry<V> {
  value: V
  /** Wall-clock ms from which the value no longer holds (e.g. a scheduled revoked_at); Infinity if never. */
  validUntil: number
  /** Monotonic ms after which the database must be asked again. */
  expiresAt: number
}

export interface ChangeSafeCacheStats {
  /** Calls answered from memory with a valid entry. */
  hits: number
  /** Calls answered from memory with "no": unknown, or no longer valid. */
  rejections: number
  /** Calls that had to go to the database while the cache was serving. */
  misses: number
  /** Calls that went to the database because the change feed was not live. */
  bypassed: number
  /** Results not stored because a change happened while they were being computed. */
  discarded: number
  evictions: number
  entries: number
  unknownEntries: number
  serving: boolean
}

/**
 * Answers read from the database, remembered by a lookup digest (never the secret itself), that
 * can never outlive a change heard on the change feed:
 *
 * - Each entry holds a `validUntil` instant (a key's revoked_at), so a change scheduled for a
 *   future moment takes effect at that moment with no invalidation at all.
 * - Lookups that found nothing are remembered briefly by a 64-bit digest prefix, so a flood of
 *   garbage costs no database round-trips. A prefix is enough: a collision could only make a real
 *   lookup wait `negativeTtlMs`, never answer for a wrong one.
 * - Every invalidation bumps `epoch` (creations bump `unknownEpoch`). A cold lookup records the
 *   epochs when it starts and its result is stored only if nothing changed meanwhile — a lookup
 *   that read a row just before a change can never put it back after the invalidation.
 * - The cache serves only while the change feed is live: `confirmLive(since)` extends serving to
 *   `since + propagationMs`, where `since` is a moment by which every earlier change of other
 *   processes has been received. When the feed drops, `suspend()` empties the cache and every
 *   call goes to the database until `resume()`.
 *
 * Entries are found for invalidation by the ids of the records they were read from (`idsOf`).
 * Eviction is first-in-first-out within `max` (separately for entries and unknown lookups, so
 * garbage cannot push real entries out); with a TTL every hot entry re-enters regularly anyway, and
 * a hit stays a couple of Map reads with no reordering.
 */
export class ChangeSafeCache<V> {
  /** Moves on every change (and on suspend/resume): guards stored and unknown answers. */
  epoch = 0
  /** Moves on every creation: guards unknown answers only, so creations never void others. */
  unknownEpoch = 0
  private servingUntil = 0
  private readonly entries = new Map<string, Entry<V>>()
  private readonly digestsById = new Map<string, Set<string>>()
  private readonly unknown = new Map<string, number>()
  private readonly counters = { hits: 0, rejections: 0, misses: 0, bypassed: 0, discarded: 0, evictions: 0 }

  constructor(
    private readonly settings: ChangeSafeCacheSettings,
    private readonly describe: { validUntil(value: V): number; idsOf(value: V): readonly string[] }
  ) {}

  /**
   * A cached answer: the value (valid now), `false` (known not to hold), or `undefined` (ask the
   * database). `wallNow` is Date.now() (compared with validUntil), `monoNow` performance.now()
   * (ages and liveness, immune to clock jumps).
   */
  lookup(digest: string, wallNow: number, monoNow: number): V | false | undefined {
    if (monoNow >= this.servingUntil) {
      this.counters.bypassed++
      return undefined
    }
    const entry = this.entries.get(digest)
    if (entry !== undefined) {
      if (monoNow < entry.expiresAt) {
        if (wallNow < entry.validUntil) {
          this.counters.hits++
          return entry.value
        }
        this.counters.rejections++
        return false
      }
      this.deleteEntry(digest, entry)
    } else if (this.unknown.size !== 0) {
      const prefix = unknownTokenPrefix(digest)
      const until = this.unknown.get(prefix)
      if (until !== undefined) {
        if (monoNow < until) {
          this.counters.rejections++
          return false
        }
        this.unknown.delete(prefix)
      }
    }
    this.counters.misses++
    return undefined
  }

  /** Whether a result computed since `startedEpoch` may be stored now. */
  private mayStore(startedEpoch: number, monoNow: number): boolean {
    if (startedEpoch === this.epoch && monoNow < this.servingUntil) return true
    this.counters.discarded++
    return false
  }

  store(digest: string, value: V, startedEpoch: number, monoNow: number): void {
    if (!this.mayStore(startedEpoch, monoNow)) return
    const previous = this.entries.get(digest)
    if (previous) this.deleteEntry(digest, previous)
    if (this.entries.size >= this.settings.max) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry<V>]
      this.deleteEntry(oldest, entry)
      this.counters.evictions++
    }
    this.entries.set(digest, { value, validUntil: this.describe.validUntil(value), expiresAt: monoNow + this.settings.ttlMs })
    for (const id of this.describe.idsOf(value)) {
      const digests = this.digestsById.get(id) ?? new Set()
      digests.add(digest)
      this.digestsById.set(id, digests)
    }
  }

  storeUnknown(digest: string, startedEpoch: number, startedUnknownEpoch: number, monoNow: number): void {
    if (this.settings.negativeTtlMs === 0) return
    if (startedUnknownEpoch !== this.unknownEpoch) {
      this.counters.discarded++
      return
    }
    if (!this.mayStore(startedEpoch, monoNow)) return
    const prefix = unknownTokenPrefix(digest)
    this.unknown.delete(prefix)
    if (this.unknown.size >= this.settings.max) {
      this.unknown.delete(this.unknown.keys().next().value as string)
      this.counters.evictions++
    }
    this.unknown.set(prefix, monoNow + this.settings.negativeTtlMs)
  }

  /**
   * Records changed (revoked, updated, deleted, soft-deleted, restored, linked …): drop the
   * entries read from them, and every "unknown" answer too — a restored record may be among them,
   * and they are short-lived.
   */
  invalidate(ids: Iterable<string>): void {
    this.epoch++
    for (const id of ids) {
      for (const digest of this.digestsById.get(id) ?? []) {
        const entry = this.entries.get(digest)
        if (entry) this.deleteEntry(digest, entry)
      }
      this.digestsById.delete(id)
    }
    this.unknown.clear()
  }

  /** Records were created: lookups of these digest prefixes are no longer unknown. */
  forgetUnknown(prefixes: Iterable<string>): void {
    this.unknownEpoch++
    for (const prefix of prefixes) this.unknown.delete(prefix)
  }

  /** The change feed has received everything committed before `since` (monotonic ms). */
  confirmLive(since: number): void {
    const until = since + this.settings.propagationMs
    if (until > this.servingUntil) this.servingUntil = until
  }

  /** The change feed is (back) up from `since`: start from nothing, anything may have changed. */
  resume(since: number): void {
    this.clear()
    this.servingUntil = since + this.settings.propagationMs
  }

  /** The change feed is down: forget everything and serve nothing until `resume`. */
  suspend(): void {
    this.servingUntil = 0
    this.clear()
  }

  clear(): void {
    this.epoch++
    this.unknownEpoch++
    this.entries.clear()
    this.digestsById.clear()
    this.unknown.clear()
  }

  isServing(monoNow: number): boolean {
    return monoNow < this.servingUntil
  }

  stats(monoNow = performance.now()): ChangeSafeCacheStats {
    return {
      ...this.counters,
      entries: this.entries.size,
      unknownEntries: this.unknown.size,
      serving: this.isServing(monoNow),
    }
  }

  /**
   * Keeps this cache in step with the change feed: `onChange` turns each message of the given
   * tables into invalidations; liveness and losses of the feed drive serving.
   */
  follow(feed: ChangeFeed, tables: string[], onChange: (table: string, message: ChangeMessage) => void, propagationMs: number): void {
    const tableOf = new Map(tables.map((table) => [changeChannel(table), table]))
    feed.subscribe(
      tables,
      {
        changed: (message, channel) => onChange(tableOf.get(channel)!, message),
        resumed: (since) => this.resume(since),
        alive: (since) => this.confirmLive(since),
        lost: () => this.suspend(),
      },
      { propagationMs }
    )
  }

  private deleteEntry(digest: string, entry: Entry<V>): void {
    this.entries.delete(digest)
    for (const id of this.describe.idsOf(entry.value)) {
      const digests = this.digestsById.get(id)
      if (!digests) continue
      digests.delete(digest)
      if (!digests.size) this.digestsById.delete(id)
    }
  }
}
