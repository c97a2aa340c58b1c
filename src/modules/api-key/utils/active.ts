/**
 * The one definition of an active key, used by every rule that asks (authentication, the
 * secret-key limit, delete, revoke, roll, the store guard, the CLI): a key is active while it
 * is not revoked, or revoked only for a moment still in the future.
 */
export function isActiveApiKey(key: { revoked_at: Date | string | null }, now: Date = new Date()): boolean {
  return key.revoked_at === null || new Date(key.revoked_at).getTime() > now.getTime()
}

/** The same rule as a query condition. */
export function activeApiKeyCondition(now: Date): Record<string, unknown> {
  return { $or: [{ revoked_at: null }, { revoked_at: { $gt: now } }] }
}
