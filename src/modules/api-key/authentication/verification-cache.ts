import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { ApiKeyRow as ApiKey } from "../models/api-key"
import { inactiveFrom } from "../utils/active"
import type { AuthCacheOption } from "../types/options"
import { ChangeSafeCache, unknownTokenPrefix, UNKNOWN_PREFIX_LENGTH, type ChangeSafeCacheStats } from "../../../framework/modules-sdk/change-safe-cache"

export type AuthCacheSettings = Required<AuthCacheOption>

export const DEFAULT_AUTH_CACHE: AuthCacheSettings = { max: 10_000, ttlMs: 60_000, negativeTtlMs: 2_000, propagationMs: 1_000 }

export { unknownTokenPrefix, UNKNOWN_PREFIX_LENGTH }

export type VerificationCacheStats = ChangeSafeCacheStats

/**
 * What `authenticate` remembers, by the SHA-256 lookup digest of the token (never the token): the
 * key's public fields only (no hash, no salt). A key revoked for a future moment, or expiring,
 * stops authenticating at that moment with no invalidation; every change to a key drops it (see
 * ChangeSafeCache for the rules that keep an entry from outliving a revocation).
 */
export class VerificationCache extends ChangeSafeCache<ApiKey> {
  constructor(settings: AuthCacheSettings) {
    super(settings, { validUntil: inactiveFrom, idsOf: (key) => [key.id] })
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
