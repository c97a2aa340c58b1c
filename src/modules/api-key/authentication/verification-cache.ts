import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { ApiKeyRow as ApiKey } from "../models/api-key"
import type { AuthCacheOption } from "../types/options"

export type AuthCacheSettings = Required<AuthCacheOption>

export const DEFAULT_AUTH_CACHE: AuthCacheSettings = { max: 10_000, ttlMs: 60_000, negativeTtlMs: 2_000, propagationMs: 1_000 }

/** Negative entries are keyed by this many hex characters of the lookup digest (64 bits). */
export const UNKNOWN_PREFIX_LENGTH = 16

export function unknownTokenPrefix(digest: string): string {
  return digest.slice(0, UNKNOWN_PREFIX_LENGTH)
}

interface VerifiedEntry {
  key: ApiKey
  /** Wall-clock ms from which the key no longer authenticates (revoked_at); Infinity if never. */
  revokedAt: number
  /** Monotonic ms after which the database must be asked again. */
  expiresAt: number
}

export interface VerificationCacheStats {
  /** Calls answered from memory with a valid key. */
  hits: number
  /** Calls answered from memory with "no": unknown token, failed verification, or revoked since. */
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
 * What `authenticate` remembers, and the rules that keep it from ever outliving a revocation:
 *
 * - Verified keys are keyed by the SHA-256 lookup digest of the token (never the token), and hold
 *   the key's public fields only (no hash, no salt) plus its `revoked_at`, so a key revoked for
 *   a future moment stops authenticating at that moment with no invalidation at all.
 * - Tokens that matched no key (or failed verification) are remembered briefly by a 64-bit digest
 *   prefix, so a flood of garbage costs no database round-trips. A prefix is enough: a collision
 *   could only make a real token wait `negativeTtlMs`, never let a wrong one in.
 * - Every invalidation bumps `epoch` (creations bump `unknownEpoch`). A cold verification records
 *   the epochs when it starts and its result is stored only if nothing changed meanwhile — a
 *   lookup that read a row just before a revocation can never put it back after the invalidation.
 * - The cache serves only while the change feed is live: `confirmLive(since)` extends serving to
 *   `since + propagationMs`, where `since` is a moment by which every earlier change of other
 *   processes has been received. When the feed drops, `suspend()` empties the cache and every
 *   call goes to the database until `resume()`.
 *
 * Eviction is first-in-first-out within `max` (separately for verified and unknown tokens, so
 * garbage cannot push real keys out); with a TTL every hot key re-enters regularly anyway, and a
 * hit stays a couple of Map reads with no reordering.
 */
export class VerificationCache {
  /** Moves on every change to keys (and on suspend/resume): guards verified and unknown answers. */
  epoch = 0
  /** Moves on every key creation: guards unknown answers only, so creations never void others. */
  unknownEpoch = 0
  private servingUntil = 0
  private readonly verified = new Map<string, VerifiedEntry>()
  private readonly digestById = new Map<string, string>()
  private readonly unknown = new Map<string, number>()
  private readonly counters = { hits: 0, rejections: 0, misses: 0, bypassed: 0, discarded: 0, evictions: 0 }

  constructor(private readonly settings: AuthCacheSettings) {}

  /**
   * A cached answer: the key (valid now), `false` (known not to authenticate), or `undefined`
   * (ask the database). `wallNow` is Date.now() (compared with revoked_at), `monoNow`
   * performance.now() (ages and liveness, immune to clock jumps).
   */
  lookup(digest: string, wallNow: number, monoNow: number): ApiKey | false | undefined {
    if (monoNow >= this.servingUntil) {
      this.counters.bypassed++
      return undefined
    }
    const entry = this.verified.get(digest)
    if (entry !== undefined) {
      if (monoNow < entry.expiresAt) {
        if (wallNow < entry.revokedAt) {
          this.counters.hits++
          return entry.key
        }
        this.counters.rejections++
        return false
      }
      this.deleteVerified(digest, entry)
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

  storeVerified(digest: string, key: ApiKey, startedEpoch: number, monoNow: number): void {
    if (!this.mayStore(startedEpoch, monoNow)) return
    const previous = this.verified.get(digest)
    if (previous) this.deleteVerified(digest, previous)
    if (this.verified.size >= this.settings.max) {
      const [oldest, entry] = this.verified.entries().next().value as [string, VerifiedEntry]
      this.deleteVerified(oldest, entry)
      this.counters.evictions++
    }
    this.verified.set(digest, {
      key,
      revokedAt: key.revoked_at ? key.revoked_at.getTime() : Infinity,
      expiresAt: monoNow + this.settings.ttlMs,
    })
    this.digestById.set(key.id, digest)
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
   * Keys changed (revoked, updated, deleted, soft-deleted, restored): drop them, and every
   * "unknown" answer too — a restored key's token may be among them, and they are short-lived.
   */
  invalidateKeys(ids: Iterable<string>): void {
    this.epoch++
    for (const id of ids) {
      const digest = this.digestById.get(id)
      if (digest === undefined) continue
      const entry = this.verified.get(digest)
      if (entry) this.deleteVerified(digest, entry)
      else this.digestById.delete(id)
    }
    this.unknown.clear()
  }

  /** Keys were created: their tokens are no longer unknown. */
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
    this.verified.clear()
    this.digestById.clear()
    this.unknown.clear()
  }

  isServing(monoNow: number): boolean {
    return monoNow < this.servingUntil
  }

  stats(monoNow: number): VerificationCacheStats {
    return {
      ...this.counters,
      entries: this.verified.size,
      unknownEntries: this.unknown.size,
      serving: this.isServing(monoNow),
    }
  }

  private deleteVerified(digest: string, entry: VerifiedEntry): void {
    this.verified.delete(digest)
    if (this.digestById.get(entry.key.id) === digest) this.digestById.delete(entry.key.id)
  }
}

/** Fills in defaults and rejects nonsense at module load; `false` turns the cache off. */
export function validateAuthCacheOption(option: unknown): AuthCacheSettings | false {
  if (option === false) return false
  if (option !== undefined && (typeof option !== "object" || option === null || Array.isArray(option))) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "authCache must be false or an object like { max: 10000, ttlMs: 60000, negativeTtlMs: 2000 }"
    )
  }
  const given = (option ?? {}) as AuthCacheOption
  const settings: AuthCacheSettings = {
    max: given.max ?? DEFAULT_AUTH_CACHE.max,
    ttlMs: given.ttlMs ?? DEFAULT_AUTH_CACHE.ttlMs,
    negativeTtlMs: given.negativeTtlMs ?? DEFAULT_AUTH_CACHE.negativeTtlMs,
    propagationMs: given.propagationMs ?? DEFAULT_AUTH_CACHE.propagationMs,
  }
  const check = (name: keyof AuthCacheSettings, min: number) => {
    const value = settings[name]
    if (!Number.isInteger(value) || value < min) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `authCache.${name} must be a whole number of ${min} or more; got ${JSON.stringify(value)}`)
    }
  }
  check("max", 1)
  check("ttlMs", 1)
  check("negativeTtlMs", 0)
  // The feed proves itself live a few times per window; below 100 ms that is mostly heartbeats.
  check("propagationMs", 100)
  return settings
}
