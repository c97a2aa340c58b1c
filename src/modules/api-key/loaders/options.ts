import { invalid } from "../../../framework/modules-sdk/errors"
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from "../authentication/hasher"
import { validateSecretKeyLimit } from "../services/secret-key-limit"
import { validateAuthCacheOption, type AuthCacheSettings } from "../authentication/verification-cache"
import { validateLastUsedAtOption, type LastUsedAtSettings } from "../authentication/last-used-tracker"
import { validateScryptQueueOption, type ScryptQueueSettings } from "../authentication/scrypt-limiter"
import type { ApiKeyModuleOptions, HashFormat } from "../types/options"
import { validateLegacyVerificationOption, type LegacyVerificationSettings } from "../authentication/legacy-guard"
import { assertKnownOptionKeys, DATABASE_OPTION_KEYS } from "../../../framework/modules-sdk/options"
import { knownScopes } from "../services/key-settings"
import { validateMaxLifetimeOption, type MaxLifetimeSettings } from "../services/key-lifetime"
import { parseScope } from "../utils/scopes"
import { RATE_LIMIT_OPTION_KEYS, validateRateLimitOption, type RateLimitSettings } from "../rate-limit/options"
import { CHANGE_FEED_OPTION_KEYS, validateChangeFeedOption } from "../../../framework/modules-sdk/change-feed-selection"
import { TOKEN_FORMATS, type TokenFormat } from "../authentication/token"
import { validateSecretScanningOption, type SecretScanningKeys } from "../authentication/leak-report-signature"

const NESTED_OPTION_KEYS: Record<string, readonly string[]> = {
  database: DATABASE_OPTION_KEYS,
  scrypt: ["logN", "r", "p"],
  secretKeyLimit: ["max", "per"],
  authCache: ["max", "ttlMs", "negativeTtlMs", "propagationMs"],
  lastUsedAt: ["intervalMs", "flushMs"],
  scryptQueue: ["concurrency", "maxQueue"],
  legacyVerification: ["concurrency", "maxQueue", "failuresPerKeyPerMinute"],
  changeFeed: CHANGE_FEED_OPTION_KEYS,
  hashFormat: [], // a plain value, listed so it is a known top-level option
  customScopes: [],
  maxLifetime: ["secret", "publishable"],
  tokenFormat: [], // a plain value too
  secretScanning: ["publicKeys"],
  rateLimit: RATE_LIMIT_OPTION_KEYS,
}

export type NormalizedApiKeyModuleOptions = Omit<ApiKeyModuleOptions, "secretScanning"> & {
  hashFormat: HashFormat
  tokenFormat: TokenFormat
  /** The parsed public keys by key_identifier (empty: leak reports are never accepted). */
  secretScanning: SecretScanningKeys
  scrypt: ScryptParams
  authCache: AuthCacheSettings | false
  lastUsedAt: LastUsedAtSettings | false
  scryptQueue: ScryptQueueSettings
  legacyVerification: LegacyVerificationSettings
  /** Every scope a key may hold: the built-in ones and `customScopes`. */
  knownScopes: ReadonlySet<string>
  /** Seconds per key type; empty (no maximum) unless the option sets one. */
  maxLifetime: MaxLifetimeSettings
  rateLimit: RateLimitSettings
}

/**
 * Checks the module options once at load time and fills in every default, so a typo fails at
 * start-up and the module behaves the same whichever host (this one or Medusa's) loads it.
 */
export function normalizeApiKeyModuleOptions(raw: unknown): NormalizedApiKeyModuleOptions {
  const options = (raw ?? {}) as ApiKeyModuleOptions
  if (typeof options !== "object") throw invalid("The api key module options must be an object")
  assertKnownOptionKeys(options, Object.keys(NESTED_OPTION_KEYS), "")
  for (const [name, keys] of Object.entries(NESTED_OPTION_KEYS)) {
    assertKnownOptionKeys((options as Record<string, unknown>)[name], keys, `${name}.`)
  }
  const scrypt = { ...DEFAULT_SCRYPT_PARAMS, ...options.scrypt }
  if (!Number.isInteger(scrypt.logN) || scrypt.logN < 10 || scrypt.logN > 20) {
    throw invalid(`scrypt.logN must be a whole number from 10 to 20; got ${JSON.stringify(scrypt.logN)}`)
  }
  if (!Number.isInteger(scrypt.r) || scrypt.r < 1 || !Number.isInteger(scrypt.p) || scrypt.p < 1) {
    throw invalid("scrypt.r and scrypt.p must be whole numbers of 1 or more")
  }
  const hashFormat = options.hashFormat ?? "scrypt-kdf"
  if (hashFormat !== "scrypt-kdf" && hashFormat !== "medusa") {
    throw invalid(`hashFormat must be "scrypt-kdf" (the default) or "medusa"; got ${JSON.stringify(options.hashFormat)}`)
  }
  // Medusa verifies its hashes at scrypt's default cost only: another cost would lock the keys out there.
  if (hashFormat === "medusa" && (scrypt.logN !== 14 || scrypt.r !== 8 || scrypt.p !== 1)) {
    throw invalid(`scrypt cannot be changed with hashFormat "medusa": Medusa's module verifies at logN 14, r 8, p 1; got ${JSON.stringify(scrypt)}`)
  }
  const tokenFormat = options.tokenFormat ?? "medusa"
  if (!TOKEN_FORMATS.includes(tokenFormat)) {
    throw invalid(`tokenFormat must be "medusa" (the default) or "checksummed"; got ${JSON.stringify(options.tokenFormat)}`)
  }
  return {
    ...options,
    hashFormat,
    tokenFormat,
    secretScanning: validateSecretScanningOption(options.secretScanning),
    scrypt,
    secretKeyLimit: validateSecretKeyLimit(options.secretKeyLimit),
    authCache: validateAuthCacheOption(options.authCache),
    lastUsedAt: validateLastUsedAtOption(options.lastUsedAt),
    scryptQueue: validateScryptQueueOption(options.scryptQueue),
    legacyVerification: validateLegacyVerificationOption(options.legacyVerification),
    changeFeed: validateChangeFeedOption(options.changeFeed),
    knownScopes: knownScopes(validateCustomScopes(options.customScopes)),
    maxLifetime: validateMaxLifetimeOption(options.maxLifetime),
    rateLimit: validateRateLimitOption(options.rateLimit),
  }
}

function validateCustomScopes(value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string" || parseScope(s) === null || s.endsWith(":*"))) {
    throw invalid(`customScopes must be an array of "resource:action" strings (lower case, e.g. "report:read"); got ${JSON.stringify(value)}`)
  }
  return value
}
