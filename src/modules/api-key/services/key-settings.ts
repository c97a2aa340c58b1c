import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import { assertPlainText } from "../../../framework/modules-sdk/service"
import { ApiKeyType, type ApiKeyRateLimit } from "../models/api-key"
import { parseOrigin } from "../utils/origins"
import { API_KEY_SCOPES, FULL_ACCESS_SCOPE, parseScope } from "../utils/scopes"

/**
 * The optional settings of a key beyond Medusa's fields — scopes, allowed origins, rate limit and
 * metadata — checked the same way on create and update. `null` clears a setting (back to Medusa's
 * behaviour); each error names the field, the limit and what was given.
 */

export interface ApiKeySettings {
  scopes?: string[] | null
  allowed_origins?: string[] | null
  rate_limit?: ApiKeyRateLimit | null
  metadata?: Record<string, unknown> | null
}

export const API_KEY_SETTING_FIELDS = ["scopes", "allowed_origins", "rate_limit", "metadata"] as const

export const SETTINGS_LIMITS = {
  scopes: 100,
  allowedOrigins: 50,
  originLength: 255,
  metadataKeys: 50,
  metadataKeyLength: 40,
  metadataBytes: 4096,
  rateLimitMax: 1_000_000_000,
  rateLimitWindowMax: 86_400 * 30,
} as const

const got = (value: unknown) => `got ${JSON.stringify(value)}`

/** Scopes known to this module: the built-in ones and the app's `customScopes`. */
export function knownScopes(custom: readonly string[] = []): Set<string> {
  return new Set([...Object.keys(API_KEY_SCOPES), ...custom])
}

export function validateScopes(value: unknown, known: ReadonlySet<string>, where = ""): string[] | null {
  if (value === null) return null
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw invalid(`scopes must be an array of "resource:action" strings or null${where}; ${got(value)}`)
  }
  if (value.length > SETTINGS_LIMITS.scopes) throw invalid(`scopes may list at most ${SETTINGS_LIMITS.scopes} entries${where}; got ${value.length}`)
  const resources = new Set([...known].map((s) => parseScope(s)?.resource))
  const unknown = value.filter((scope: string) => {
    if (scope === FULL_ACCESS_SCOPE || known.has(scope)) return false
    const parsed = parseScope(scope)
    return !(parsed && parsed.action === "*" && resources.has(parsed.resource))
  })
  if (unknown.length) {
    throw invalid(`Unknown scope ${unknown.map((s: string) => JSON.stringify(s)).join(", ")}${where}; use "*" or any of ${[...known].join(", ")} (or "resource:*")`)
  }
  return [...new Set(value as string[])].sort()
}

export function validateAllowedOrigins(value: unknown, where = ""): string[] | null {
  if (value === null) return null
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw invalid(`allowed_origins must be an array of origins such as "https://shop.example.com" or null${where}; ${got(value)}`)
  }
  if (value.length > SETTINGS_LIMITS.allowedOrigins) {
    throw invalid(`allowed_origins may list at most ${SETTINGS_LIMITS.allowedOrigins} origins${where}; got ${value.length}`)
  }
  const origins = (value as string[]).map((origin) => {
    const normalized = origin.trim().toLowerCase()
    if (normalized.length > SETTINGS_LIMITS.originLength || !parseOrigin(normalized)) {
      throw invalid(
        `allowed_origins entry ${JSON.stringify(origin)} is not an origin${where}; use scheme://host[:port] with no path, e.g. "https://shop.example.com" or "https://*.example.com"`
      )
    }
    return normalized
  })
  return [...new Set(origins)]
}

export function validateRateLimit(value: unknown, where = ""): ApiKeyRateLimit | null {
  if (value === null) return null
  const shape = `rate_limit must be { limit, window_s } with whole numbers (limit 1 to ${SETTINGS_LIMITS.rateLimitMax}, window_s 1 to ${SETTINGS_LIMITS.rateLimitWindowMax}) or null${where}`
  if (!isPlainObject(value)) throw invalid(`${shape}; ${got(value)}`)
  const extra = Object.keys(value).filter((k) => k !== "limit" && k !== "window_s")
  if (extra.length) throw invalid(`${shape}; unknown field ${extra.join(", ")}`)
  const { limit, window_s } = value as Record<string, unknown>
  const whole = (n: unknown, max: number) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= max
  if (!whole(limit, SETTINGS_LIMITS.rateLimitMax) || !whole(window_s, SETTINGS_LIMITS.rateLimitWindowMax)) {
    throw invalid(`${shape}; ${got(value)}`)
  }
  return { limit: limit as number, window_s: window_s as number }
}

export function validateMetadata(value: unknown, where = ""): Record<string, unknown> | null {
  if (value === null) return null
  if (!isPlainObject(value)) throw invalid(`metadata must be a JSON object or null${where}; ${got(value)}`)
  const keys = Object.keys(value)
  if (keys.length > SETTINGS_LIMITS.metadataKeys) throw invalid(`metadata may have at most ${SETTINGS_LIMITS.metadataKeys} keys${where}; got ${keys.length}`)
  for (const key of keys) {
    if (key === "" || key.length > SETTINGS_LIMITS.metadataKeyLength) {
      throw invalid(`metadata keys must be 1 to ${SETTINGS_LIMITS.metadataKeyLength} characters${where}; got ${JSON.stringify(key)}`)
    }
    assertPlainText(key, "metadata key", where)
  }
  let json: string
  try {
    json = JSON.stringify(value)
  } catch {
    throw invalid(`metadata must be plain JSON (no cycles or BigInt)${where}`)
  }
  const bytes = Buffer.byteLength(json, "utf8")
  if (bytes > SETTINGS_LIMITS.metadataBytes) throw invalid(`metadata may be at most ${SETTINGS_LIMITS.metadataBytes} bytes as JSON${where}; got ${bytes}`)
  // Stored as it would come back from the database: dates as strings, undefined dropped.
  return JSON.parse(json)
}

/** The settings given in `data` (absent fields stay absent), each checked. */
export function validateSettings(data: Record<string, unknown>, known: ReadonlySet<string>, where = ""): ApiKeySettings {
  const settings: ApiKeySettings = {}
  if (data.scopes !== undefined) settings.scopes = validateScopes(data.scopes, known, where)
  if (data.allowed_origins !== undefined) settings.allowed_origins = validateAllowedOrigins(data.allowed_origins, where)
  if (data.rate_limit !== undefined) settings.rate_limit = validateRateLimit(data.rate_limit, where)
  if (data.metadata !== undefined) settings.metadata = validateMetadata(data.metadata, where)
  return settings
}

/** Scopes govern secret keys (admin access); origins govern publishable keys (browsers). */
export function assertSettingsFitType(type: string, settings: ApiKeySettings, id = "", where = ""): void {
  const key = id ? ` (${id})` : ""
  if (type === ApiKeyType.PUBLISHABLE && settings.scopes) {
    throw invalid(`scopes apply to secret keys only; a publishable key${key} can only read the store API${where}`)
  }
  if (type === ApiKeyType.SECRET && settings.allowed_origins) {
    throw invalid(`allowed_origins apply to publishable keys only; a secret key${key} must never be used from a browser${where}`)
  }
}
