import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import { performance } from "node:perf_hooks"
import type { ChangeFeed } from "../../../framework/modules-sdk/change-feed"
import type { Context } from "../../../framework/modules-sdk/context"
import { readManager } from "../../../framework/modules-sdk/transactions"
import { ApiKey, ApiKeyType, type ApiKeyRow } from "../models/api-key"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import type { SecretHasher } from "./hasher"
import type { LastUsedTracker } from "./last-used-tracker"
import type { LegacyGuard } from "./legacy-guard"
import { ScryptQueueFullError, type ScryptLimiter } from "./scrypt-limiter"
import { isMedusaLegacyHash, isWellFormedSecretToken, parseToken, redactToken, tokenLookupDigest } from "./token"
import { DEFAULT_AUTH_CACHE, type VerificationCache, type VerificationCacheStats } from "./verification-cache"

export interface AuthenticationStats {
  /** Absent when the cache is turned off. */
  cache?: VerificationCacheStats
  /** Whether the change feed is listening (always false with the cache off), and sessions it opened. */
  listening: boolean
  /** Which change feed the caches follow: "none" means they are never served (see openChangeFeed). */
  feed: "postgres" | "redis" | "none"
  feedConnections: number
  scrypt: { hashes: number; verifications: number; active: number; queued: number; refused: number }
  /** Forged-token protection of keys Medusa created: verifications skipped for keys that failed too often, and the legacy queue. */
  legacy: { blocked: number; active: number; queued: number; refused: number }
}

/** The parts, built once by the module's loader from its normalised options. */
export interface AuthenticatorParts {
  orm: MikroORM
  repository: ApiKeyRepository
  hasher: SecretHasher
  limiter: ScryptLimiter
  changeFeed: ChangeFeed
  /** Absent when the cache is turned off. */
  cache?: VerificationCache
  /** Absent when `last_used_at` tracking is turned off. */
  lastUsed?: LastUsedTracker
  /** The cache's bound on how late a change of another process may be heard. */
  propagationMs?: number
  /** Bounds on verifying tokens against keys Medusa created. */
  legacyGuard: LegacyGuard
  /** How many verified (token digest → stored hash) pairs to remember. Default 10000. */
  verifiedMax?: number
}

/** A cold verification's answer: the key, or why not — only a real "no" may be remembered. */
type Verdict = ApiKeyRow | "rejected" | "refused"

interface Flight {
  epoch: number
  unknownEpoch: number
  promise: Promise<ApiKeyRow | null>
}

/**
 * The authenticate hot path, each step a named method:
 * parse (no I/O) → cache lookup, checked against now → one indexed query by lookup digest →
 * at most one scrypt verification (bounded concurrency) → cache insert.
 *
 * Keys handed out are copies holding the public fields only (no hash, no salt), shared between
 * calls: the service turns them into DTOs. Their `last_used_at` is the value when the key was
 * last read from the database; the write for this use happens later (see LastUsedTracker).
 */
export class TokenAuthenticator {
  /** Concurrent cold verifications of one token share one query and one scrypt. */
  private readonly inFlight = new Map<string, Flight>()
  /**
   * Token digests already verified, with the stored hash they verified against. While the cache
   * cannot be trusted (change feed down) a repeat of such a token costs the indexed query only:
   * the row read now still decides revocation and deletion, and a changed hash means scrypt again.
   */
  private readonly verifiedHashes = new Map<string, string>()

  constructor(private readonly parts: AuthenticatorParts) {
    const { cache, changeFeed } = parts
    // Every write of api keys is published by the service; only a caching instance listens.
    if (cache) {
      cache.follow(
        changeFeed,
        [ApiKey.tableName],
        (_table, message) => {
          if (message.k) cache.invalidate(message.k)
          if (message.n) cache.forgetUnknown(message.n)
        },
        parts.propagationMs ?? DEFAULT_AUTH_CACHE.propagationMs
      )
    }
  }

  authenticate(token: unknown, sharedContext?: Context): Promise<ApiKeyRow | null> {
    if (!isWellFormedSecretToken(token)) return Promise.resolve(null)
    const digest = tokenLookupDigest(token)
    const cache = this.parts.cache
    // Inside a caller's transaction the answer must reflect that transaction (which may still
    // roll back), so it is neither read from nor written to the shared cache.
    if (cache === undefined || sharedContext?.transactionManager || sharedContext?.manager) {
      return this.verifyUncached(token, digest, sharedContext)
    }
    const wallNow = Date.now()
    const cached = cache.lookup(digest, wallNow, performance.now())
    if (cached === undefined) return this.verifyCold(cache, token, digest)
    if (cached) this.parts.lastUsed?.record(cached.id, wallNow)
    return Promise.resolve(cached || null)
  }

  private verifyCold(cache: VerificationCache, token: string, digest: string): Promise<ApiKeyRow | null> {
    const { epoch, unknownEpoch } = cache
    const flight = this.inFlight.get(digest)
    // A flight that started before the latest invalidation in this process may carry a stale
    // answer: never join it. While the change feed is down a change made by another process
    // during a flight goes unheard, so a joiner may see a row at most one query old — far inside
    // the propagation bound — in exchange for one query per token instead of one per call.
    if (flight !== undefined && flight.epoch === epoch && flight.unknownEpoch === unknownEpoch) {
      return flight.promise
    }
    const promise = this.verifyAndRemember(cache, token, digest, epoch, unknownEpoch).finally(() => {
      if (this.inFlight.get(digest)?.promise === promise) this.inFlight.delete(digest)
    })
    this.inFlight.set(digest, { epoch, unknownEpoch, promise })
    return promise
  }

  private async verifyAndRemember(cache: VerificationCache, token: string, digest: string, epoch: number, unknownEpoch: number): Promise<ApiKeyRow | null> {
    const verdict = await this.verify(token, digest, readManager(this.parts.orm))
    if (verdict === "refused") return null
    if (verdict === "rejected") {
      cache.storeUnknown(digest, epoch, unknownEpoch, performance.now())
      return null
    }
    const key = publicCopy(verdict)
    // Stored only if no invalidation happened since the epochs were read (the cache checks).
    cache.store(digest, key, epoch, performance.now())
    this.parts.lastUsed?.record(key.id, Date.now())
    return key
  }

  private async verifyUncached(token: string, digest: string, sharedContext?: Context): Promise<ApiKeyRow | null> {
    const verdict = await this.verify(token, digest, readManager(this.parts.orm, sharedContext))
    if (typeof verdict === "string") return null
    this.parts.lastUsed?.record(verdict.id, Date.now())
    return publicCopy(verdict)
  }

  /** One indexed query, then at most one scrypt verification (none for a token verified before against the same hash). */
  private async verify(token: string, digest: string, em: EntityManager): Promise<Verdict> {
    const { repository, hasher } = this.parts
    const candidates = await repository.findAuthenticationCandidates(em, digest, legacyRedactedForm(token), new Date())
    try {
      const current = candidates.find((key) => key.token_lookup === digest)
      if (current) return (await this.verifyCurrent(token, digest, current)) ? current : "rejected"
      const legacy = candidates.find((key) => key.token_lookup === null && isMedusaLegacyHash(key.token))
      if (!legacy) return "rejected"
      const verified = await this.parts.legacyGuard.verify(legacy.id, () => hasher.verifyMedusaLegacy(token, legacy.salt, legacy.token))
      if (verified === true) {
        await this.upgradeLegacyKey(em, legacy, token)
        return legacy
      }
      // Never remembered as unknown: a forged token must not lock the real one out for negativeTtlMs.
      return "refused"
    } catch (error) {
      // A full scrypt queue answers "no" for this call only (see ScryptLimiter); it is not a
      // verdict on the token, so it is never remembered.
      if (error instanceof ScryptQueueFullError) return "refused"
      throw error
    }
  }

  private async verifyCurrent(token: string, digest: string, key: ApiKeyRow): Promise<boolean> {
    const storedHash = key.token
    if (this.verifiedHashes.get(digest) === storedHash) return true
    // A Medusa-created key keeps Medusa's hash format once it has its digest (see setLookupDigest).
    const verified = isMedusaLegacyHash(storedHash)
      ? await this.parts.hasher.verifyMedusaLegacy(token, key.salt, storedHash, { limited: true })
      : await this.parts.hasher.verify(token, storedHash)
    if (!verified) return false
    const max = this.parts.verifiedMax ?? 10_000
    this.verifiedHashes.delete(digest)
    if (this.verifiedHashes.size >= max) this.verifiedHashes.delete(this.verifiedHashes.keys().next().value as string)
    this.verifiedHashes.set(digest, storedHash)
    return true
  }

  /**
   * A key Medusa created (hex scrypt with a separate salt, no digest) gets its lookup digest once
   * its token is known, so later calls take the indexed path; its hash is left as Medusa wrote it.
   * The token is already verified: if the write fails (e.g. a concurrent call did it first), the
   * call still succeeds and a later one retries.
   */
  private async upgradeLegacyKey(em: EntityManager, key: ApiKeyRow, token: string): Promise<void> {
    try {
      await this.parts.repository.setLookupDigest(em, key.id, tokenLookupDigest(token))
    } catch {
      // Deliberately ignored, see above.
    }
  }

  /**
   * The active keys a leak report's tokens belong to (token → key), so they can be revoked: one
   * query for the whole report, no cache and no `last_used_at` (a report is not a use). A lookup
   * digest match is proof enough (it is the SHA-256 of the token itself) and costs no scrypt; a key
   * Medusa created, found by its redacted form, is verified by scrypt as authenticate does —
   * outside the legacy guard's budget, which exists for anonymous callers, while a report is
   * signed or comes from the operator. Publishable keys match by their token.
   */
  async resolveLeakedTokens(tokens: string[], em: EntityManager): Promise<Map<string, ApiKeyRow>> {
    const byDigest = new Map<string, string>()
    const legacyByRedacted = new Map<string, string[]>()
    const publishable: string[] = []
    for (const token of new Set(tokens)) {
      const parsed = parseToken(token)
      if (parsed?.type === ApiKeyType.PUBLISHABLE) publishable.push(token)
      if (parsed?.type !== ApiKeyType.SECRET) continue
      byDigest.set(tokenLookupDigest(token), token)
      const redacted = legacyRedactedForm(token)
      if (redacted !== null) legacyByRedacted.set(redacted, [...(legacyByRedacted.get(redacted) ?? []), token])
    }
    const rows = await this.parts.repository.findLeakCandidates(
      em,
      { lookups: [...byDigest.keys()], legacyRedacted: [...legacyByRedacted.keys()], publishable },
      new Date()
    )
    const found = new Map<string, ApiKeyRow>()
    for (const row of rows) {
      if (row.type === ApiKeyType.PUBLISHABLE) {
        found.set(row.token, publicCopy(row))
      } else if (row.token_lookup !== null) {
        const token = byDigest.get(row.token_lookup)
        if (token !== undefined) found.set(token, publicCopy(row))
      } else if (isMedusaLegacyHash(row.token)) {
        for (const token of legacyByRedacted.get(row.redacted) ?? []) {
          if (!found.has(token) && (await this.parts.hasher.verifyMedusaLegacy(token, row.salt, row.token))) found.set(token, publicCopy(row))
        }
      }
    }
    return found
  }

  /** Writes pending `last_used_at` updates now (close() does too). */
  async flushLastUsed(): Promise<void> {
    await this.parts.lastUsed?.flush()
  }

  stats(): AuthenticationStats {
    const { cache, changeFeed, limiter, hasher } = this.parts
    const feed = changeFeed.stats()
    return {
      cache: cache?.stats(performance.now()),
      listening: !!cache && feed.listening,
      feed: feed.kind,
      feedConnections: feed.connections,
      scrypt: { ...hasher.counters, active: limiter.active, queued: limiter.queued, refused: limiter.refused },
      legacy: {
        blocked: this.parts.legacyGuard.blocked,
        active: this.parts.legacyGuard.limiter.active,
        queued: this.parts.legacyGuard.limiter.queued,
        refused: this.parts.legacyGuard.limiter.refused,
      },
    }
  }

  async close(): Promise<void> {
    await this.parts.lastUsed?.close()
  }
}

/** The redacted form a key Medusa created would be found by; null for a checksummed token, which Medusa never made. */
function legacyRedactedForm(token: string): string | null {
  return parseToken(token)?.format === "medusa" ? redactToken(token) : null
}

/**
 * What the cache holds and authenticate returns: the key's readable fields, frozen (it is shared
 * between calls). The hash, salt and lookup digest are blanked; the DTO never shows them anyway.
 */
function publicCopy(row: ApiKeyRow): ApiKeyRow {
  const copy: Record<string, unknown> = {}
  for (const field of ApiKey.fields.readable) copy[field] = (row as Record<string, unknown>)[field] ?? null
  return Object.freeze({ ...copy, token: "", salt: "", token_lookup: null }) as ApiKeyRow
}
