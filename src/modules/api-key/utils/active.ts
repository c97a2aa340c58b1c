/** The two instants after which a key no longer works; `expires_at` is absent from DTOs of keys that never expire. */
export interface KeyValidity {
  revoked_at: Date | string | null
  expires_at?: Date | string | null
}

/**
 * Wall-clock ms from which a key is no longer active: the earlier of its revocation and its
 * expiry, Infinity when it has neither. The caches hold keys until this instant, so a scheduled
 * revocation or an expiry takes effect at its moment with no invalidation.
 */
export function inactiveFrom(key: KeyValidity): number {
  const revoked = key.revoked_at ? new Date(key.revoked_at).getTime() : Infinity
  const expires = key.expires_at ? new Date(key.expires_at).getTime() : Infinity
  return Math.min(revoked, expires)
}

/**
 * The one definition of an active key, used by every rule that asks (authentication, the
 * secret-key limit, delete, revoke, roll, the store guard, the CLI): a key is active while it
 * is neither revoked nor expired — a revocation or expiry still in the future does not count
 * yet. An expired key is treated exactly like a revoked one.
 */
export function isActiveApiKey(key: KeyValidity, now: Date = new Date()): boolean {
  return inactiveFrom(key) > now.getTime()
}

/** The same rule as a query condition (also a valid list filter of the module). */
export function activeApiKeyCondition(now: Date): Record<string, unknown> {
  return {
    $and: [{ $or: [{ revoked_at: null }, { revoked_at: { $gt: now } }] }, { $or: [{ expires_at: null }, { expires_at: { $gt: now } }] }],
  }
}
