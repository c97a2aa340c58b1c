import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import { formatDuration, parseDuration } from "../../../framework/modules-sdk/duration"
import { isStorableDate, requireNonEmptyString } from "../../../framework/modules-sdk/service"
import type { ApiKeyType } from "../models/api-key"
import type { MaxLifetimeOption } from "../types/options"

/**
 * When a key expires. A create call may ask for `expires_at` (an instant) or `expires_in`
 * (seconds); the module option `maxLifetime` bounds both per key type and gives keys that ask for
 * nothing its maximum; a rolled key's successor lives as long as its predecessor was meant to.
 * From `expires_at` on, a key counts as revoked for every rule (see utils/active).
 */

/** The longest lifetime anyone may ask for, as for revoke_in: dates must stay storable. */
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 24 * 3600

const got = (value: unknown) => `got ${JSON.stringify(value)}`

/** `maxLifetime` in seconds per key type; a type left out has no maximum. */
export type MaxLifetimeSettings = Partial<Record<ApiKeyType, number>>

export function validateMaxLifetimeOption(option: unknown): MaxLifetimeSettings {
  if (option === undefined) return {}
  if (!isPlainObject(option)) throw invalid(`maxLifetime must be an object such as { secret: "90d" }; ${got(option)}`)
  const settings: MaxLifetimeSettings = {}
  for (const type of ["secret", "publishable"] as const) {
    const value = (option as MaxLifetimeOption)[type]
    if (value === undefined) continue
    const seconds = typeof value === "string" ? parseDuration(value) : value
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_IN_SECONDS) {
      throw invalid(
        `maxLifetime.${type} must be a whole number of seconds (1 to ${MAX_EXPIRES_IN_SECONDS}) or a duration such as "90d" (units s, m, h, d); ${got(value)}`
      )
    }
    settings[type] = seconds
  }
  return settings
}

/** The expiry fields of a create call, checked for shape (not yet against the clock or the maximum). */
export interface ExpiryInput {
  expires_at?: Date
  expires_in?: number
  /** The key this one replaces (a roll): without an expiry of its own, it gets the predecessor's lifetime length. */
  predecessor_id?: string
}

export function validateExpiryInput(data: Record<string, unknown>, where = ""): ExpiryInput {
  const { expires_at, expires_in, predecessor_id } = data
  const input: ExpiryInput = {}
  if (expires_at !== undefined && expires_at !== null && expires_in !== undefined && expires_in !== null) {
    throw invalid(`Give either expires_at (an instant) or expires_in (seconds from now), not both${where}`)
  }
  if (expires_at !== undefined && expires_at !== null) {
    const date = expires_at instanceof Date ? expires_at : typeof expires_at === "string" ? new Date(expires_at) : null
    if (!date || !isStorableDate(date)) {
      throw invalid(`expires_at must be a date, e.g. "2030-01-31T00:00:00Z"${where}; ${got(expires_at)}`)
    }
    input.expires_at = date
  }
  if (expires_in !== undefined && expires_in !== null) {
    if (typeof expires_in !== "number" || !Number.isFinite(expires_in) || expires_in <= 0 || expires_in > MAX_EXPIRES_IN_SECONDS) {
      throw invalid(`expires_in must be a number of seconds above 0 and at most ${MAX_EXPIRES_IN_SECONDS} (100 years)${where}; ${got(expires_in)}`)
    }
    input.expires_in = expires_in
  }
  if (predecessor_id !== undefined && predecessor_id !== null) input.predecessor_id = requireNonEmptyString(predecessor_id, "predecessor_id", where)
  return input
}

/** What a predecessor tells about its successor's lifetime. */
export interface LifetimeFacts {
  created_at: Date | string
  expires_at?: Date | string | null
}

export class KeyLifetimePolicy {
  constructor(private readonly max: MaxLifetimeSettings) {}

  /**
   * The instant an asked-for expiry means, checked: in the future, and within the type's
   * maximum. Undefined when the call asked for none (see `defaultExpiry`).
   */
  requestedExpiry(type: ApiKeyType, input: ExpiryInput, now: Date, where = ""): Date | undefined {
    const expiresAt = input.expires_in !== undefined ? new Date(now.getTime() + input.expires_in * 1000) : input.expires_at
    if (!expiresAt) return undefined
    if (input.expires_at && expiresAt.getTime() <= now.getTime()) {
      throw invalid(`expires_at must be in the future${where}; got ${expiresAt.toISOString()} (now is ${now.toISOString()})`)
    }
    const max = this.max[type]
    const lifetime = (expiresAt.getTime() - now.getTime()) / 1000
    if (max !== undefined && lifetime > max) {
      const asked = input.expires_in !== undefined ? "expires_in is" : `expires_at ${expiresAt.toISOString()} is`
      const away = input.expires_in !== undefined ? "" : " away"
      throw invalid(
        `${asked} ${formatDuration(lifetime)}${away} but ${type} keys may live at most ${formatDuration(max)} (module option maxLifetime.${type})${where}`
      )
    }
    return expiresAt
  }

  /**
   * The expiry of a key that asked for none: its predecessor's lifetime length when it replaces
   * a key that was to expire (capped by the maximum, which may have been lowered since), else
   * the type's maximum, else none.
   */
  defaultExpiry(type: ApiKeyType, now: Date, predecessor?: LifetimeFacts): Date | null {
    const max = this.max[type]
    const inherited = predecessor?.expires_at ? (new Date(predecessor.expires_at).getTime() - new Date(predecessor.created_at).getTime()) / 1000 : undefined
    const seconds = inherited !== undefined && max !== undefined ? Math.min(inherited, max) : (inherited ?? max)
    return seconds === undefined ? null : new Date(now.getTime() + seconds * 1000)
  }
}
