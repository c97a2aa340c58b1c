import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import { performance } from "node:perf_hooks"
import type { Context } from "../../../framework/modules-sdk/context"
import { readManager } from "../../../framework/modules-sdk/database"
import type { ApiKey } from "../models/api-key"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import { afterTransactionEnds, KeyChangeFeed } from "../../../framework/modules-sdk/change-feed"
import type { ApiKeyModuleOptions } from "../types/options"
import { LastUsedTracker, validateLastUsedAtOption } from "./last-used-tracker"
import { ScryptLimiter, ScryptQueueFullError, validateScryptQueueOption } from "./scrypt-limiter"
import {
  DEFAULT_SCRYPT_PARAMS,
  hashSecretToken,
  isMedusaLegacyHash,
  isWellFormedSecretToken,
  redactToken,
  tokenLookupDigest,
  verifyMedusaLegacyToken,
  verifySecretToken,
  type ScryptParams,
} from "./token"
import { unknownTokenPrefix, validateAuthCacheOption, VerificationCache, type VerificationCacheStats } from "./verification-cache"

export type AuthenticatorOptions = Pick<ApiKeyModuleOptions, "authCache" | "lastUsedAt" | "scryptQueue">

export interface AuthenticatorStats {
  /** Absent when the cache is turned off. */
  cache?: VerificationCacheStats
  /** Whether the change feed is listening (always false with the cache off). */
  listening: boolean
  scrypt: { active: number; queued: number; refused: number }
}

/** A cold verification's answer: the key, or why not — only a real "no" may be remembered. */
type Verdict = ApiKey | "rejected" | "refused"

interface Flight {
  epoch: number
  unknownEpoch: number
  promise: Promise<ApiKey | null>
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
  private readonly cache: VerificationCache | undefined
  private readonly feed: KeyChangeFeed
  private readonly lastUsed: LastUsedTracker | undefined
  private readonly limiter: ScryptLimiter
  /** Concurrent cold verifications of one token share one query and one scrypt. */
  private readonly inFlight = new Map<string, Flight>()

  constructor(
    private readonly orm: MikroORM,
    private readonly repository: ApiKeyRepository,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT_PARAMS,
    options: AuthenticatorOptions = {}
  ) {
    const cacheSettings = validateAuthCacheOption(options.authCache)
    const lastUsedSettings = validateLastUsedAtOption(options.lastUsedAt)
    this.limiter = new ScryptLimiter(validateScryptQueueOption(options.scryptQueue))
    this.lastUsed = lastUsedSettings ? new LastUsedTracker(orm, repository, lastUsedSettings) : undefined
    this.feed = new KeyChangeFeed({
      connectionString: orm.config.get("clientUrl") as string,
      heartbeatMs: Math.max(25, Math.floor((cacheSettings ? cacheSettings.propagationMs : 1000) / 4)),
    })
    // Every instance publishes changes (other processes may cache); only a caching one listens.
    if (cacheSettings) {
      const cache = (this.cache = new VerificationCache(cacheSettings))
      this.feed.start({
        keysChanged: (ids) => cache.invalidateKeys(ids),
        keysCreated: (prefixes) => cache.forgetUnknown(prefixes),
        resumed: (since) => cache.resume(since),
        alive: (since) => cache.confirmLive(since),
        lost: () => cache.suspend(),
      })
    }
  }

  authenticate(token: unknown, sharedContext?: Context): Promise<ApiKey | null> {
    if (!isWellFormedSecretToken(token)) {
      return Promise.resolve(null)
    }
    const digest = tokenLookupDigest(token)
    const cache = this.cache
    // Inside a caller's transaction the answer must reflect that transaction (which may still
    // roll back), so it is neither read from nor written to the shared cache.
    if (cache === undefined || sharedContext?.transactionManager || sharedContext?.manager) {
      return this.verifyUncached(token, digest, sharedContext)
    }
    const wallNow = Date.now()
    const cached = cache.lookup(digest, wallNow, performance.now())
    if (cached === undefined) {
      return this.verifyCold(cache, token, digest)
    }
    if (cached) this.lastUsed?.record(cached.id, wallNow)
    return Promise.resolve(cached || null)
  }

  private verifyCold(cache: VerificationCache, token: string, digest: string): Promise<ApiKey | null> {
    const { epoch, unknownEpoch } = cache
    const flight = this.inFlight.get(digest)
    // A flight that started before the latest invalidation may carry a stale answer: never join
    // it. Nor any flight while the change feed is down: then nothing would tell us it went stale.
    if (flight !== undefined && flight.epoch === epoch && flight.unknownEpoch === unknownEpoch && cache.isServing(performance.now())) {
      return flight.promise
    }
    const promise = this.verifyAndRemember(cache, token, digest, epoch, unknownEpoch).finally(() => {
      if (this.inFlight.get(digest)?.promise === promise) this.inFlight.delete(digest)
    })
    this.inFlight.set(digest, { epoch, unknownEpoch, promise })
    return promise
  }

  private async verifyAndRemember(
    cache: VerificationCache,
    token: string,
    digest: string,
    epoch: number,
    unknownEpoch: number
  ): Promise<ApiKey | null> {
    const verdict = await this.verify(token, digest, readManager(this.orm))
    if (verdict === "refused") return null
    if (verdict === "rejected") {
      cache.storeUnknown(digest, epoch, unknownEpoch, performance.now())
      return null
    }
    const key = publicCopy(verdict)
    // Stored only if no invalidation happened since the epochs were read (the cache checks).
    cache.storeVerified(digest, key, epoch, performance.now())
    this.lastUsed?.record(key.id, Date.now())
    return key
  }

  private async verifyUncached(token: string, digest: string, sharedContext?: Context): Promise<ApiKey | null> {
    const verdict = await this.verify(token, digest, readManager(this.orm, sharedContext))
    if (typeof verdict === "string") return null
    this.lastUsed?.record(verdict.id, Date.now())
    return publicCopy(verdict)
  }

  /** One indexed query, then at most one scrypt verification. */
  private async verify(token: string, digest: string, em: EntityManager): Promise<Verdict> {
    const candidates = await this.repository.findAuthenticationCandidates(em, digest, redactToken(token), new Date())
    try {
      const current = candidates.find((key) => key.token_lookup === digest)
      if (current) {
        return (await verifySecretToken(token, current.token, this.limiter)) ? current : "rejected"
      }
      const legacy = candidates.find((key) => key.token_lookup === null && isMedusaLegacyHash(key.token))
      if (legacy && (await verifyMedusaLegacyToken(token, legacy.salt, legacy.token, this.limiter))) {
        await this.upgradeLegacyKey(em, legacy, token)
        return legacy
      }
      return "rejected"
    } catch (error) {
      // A full scrypt queue answers "no" for this call only (see ScryptLimiter); it is not a
      // verdict on the token, so it is never remembered.
      if (error instanceof ScryptQueueFullError) return "refused"
      throw error
    }
  }

  /**
   * A key Medusa created (hex scrypt with a separate salt, no digest) is rewritten in this
   * module's format once its token is known, so later calls take the indexed path. The token is
   * already verified: if the rewrite fails (e.g. a concurrent call did it first), the call still
   * succeeds and a later one retries.
   */
  private async upgradeLegacyKey(em: EntityManager, key: ApiKey, token: string): Promise<void> {
    try {
      const hashed = await hashSecretToken(token, this.scrypt, this.limiter)
      await this.repository.upgradeHash(em, key.id, { token: hashed.hash, salt: hashed.salt, token_lookup: tokenLookupDigest(token) })
    } catch {
      // Deliberately ignored, see above.
    }
  }

  /**
   * Called inside the transaction that revokes, updates, deletes, soft-deletes or restores keys.
   * This process forgets them at once and again when the transaction ends (a lookup that read the
   * old row in between cannot be stored: the cache's epoch moved); other processes learn through
   * the notification, which PostgreSQL delivers only if the transaction commits.
   */
  async onKeysChanged(em: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return
    const cache = this.cache
    cache?.invalidateKeys(ids)
    await this.feed.publishChanged(em, ids)
    if (cache) afterTransactionEnds(em, () => cache.invalidateKeys(ids))
  }

  /**
   * Called inside the transaction that creates secret keys, with their lookup digests: a token
   * remembered as unknown must authenticate as soon as its key exists.
   */
  async onKeysCreated(em: EntityManager, lookupDigests: string[]): Promise<void> {
    if (!lookupDigests.length) return
    const prefixes = lookupDigests.map(unknownTokenPrefix)
    const cache = this.cache
    cache?.forgetUnknown(prefixes)
    await this.feed.publishCreated(em, prefixes)
    if (cache) afterTransactionEnds(em, () => cache.forgetUnknown(prefixes))
  }

  /** Resolves true once the change feed listens and the cache serves (false after `timeoutMs`). */
  whenCaching(timeoutMs = 10_000): Promise<boolean> {
    if (!this.cache) return Promise.resolve(false)
    return this.feed.whenListening(timeoutMs)
  }

  /** Writes pending `last_used_at` updates now (close() does too). */
  async flushLastUsed(): Promise<void> {
    await this.lastUsed?.flush()
  }

  stats(): AuthenticatorStats {
    return {
      cache: this.cache?.stats(performance.now()),
      listening: this.feed.isListening,
      scrypt: { active: this.limiter.active, queued: this.limiter.queued, refused: this.limiter.refused },
    }
  }

  async close(): Promise<void> {
    await this.feed.close()
    await this.lastUsed?.close()
  }
}

/**
 * What the cache holds and authenticate returns: the key's public fields, frozen (it is shared
 * between calls). The hash, salt and lookup digest are blanked; the DTO never shows them anyway.
 */
function publicCopy(row: ApiKey): ApiKey {
  return Object.freeze({
    id: row.id,
    token: "",
    salt: "",
    redacted: row.redacted,
    title: row.title,
    type: row.type,
    token_lookup: null,
    last_used_at: row.last_used_at,
    created_by: row.created_by,
    revoked_by: row.revoked_by,
    revoked_at: row.revoked_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    deleted_at: row.deleted_at,
  }) as ApiKey
}
