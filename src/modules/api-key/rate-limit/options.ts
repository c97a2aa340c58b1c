import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import { isRedisUrl } from "../../../framework/modules-sdk/change-feed-selection"
import type { ApiKeyRateLimit } from "../models/api-key"
import { validateRateLimit } from "../services/key-settings"
import type { RateLimitOption } from "../types/options"

export const RATE_LIMIT_OPTION_KEYS = ["default", "store", "redisUrl", "keyPrefix", "onStoreError"] as const

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = "medusa:rate-limit:"

export interface RateLimitSettings {
  /** The limit of keys whose own `rate_limit` is null; null: such keys are not limited. */
  default: ApiKeyRateLimit | null
  store: "auto" | "redis" | "memory"
  redisUrl?: string
  keyPrefix: string
  onStoreError: "open" | "closed"
}

/** Fills in the defaults and refuses nonsense at module load, naming the option and what was given. */
export function validateRateLimitOption(value: unknown): RateLimitSettings {
  if (value !== undefined && !isPlainObject(value)) {
    throw invalid(`rateLimit must be an object such as { default: { limit: 100, window_s: 60 }, store: "auto", onStoreError: "open" }; got ${JSON.stringify(value)}`)
  }
  const given = (value ?? {}) as RateLimitOption
  const store = given.store ?? "auto"
  if (!["auto", "redis", "memory"].includes(store)) {
    throw invalid(`rateLimit.store must be "auto" (Redis when one is configured, else memory), "redis" or "memory"; got ${JSON.stringify(given.store)}`)
  }
  const onStoreError = given.onStoreError ?? "open"
  if (onStoreError !== "open" && onStoreError !== "closed") {
    throw invalid(`rateLimit.onStoreError must be "open" (serve without limits while Redis is unreachable) or "closed" (answer 503); got ${JSON.stringify(given.onStoreError)}`)
  }
  const { redisUrl } = given
  if (redisUrl !== undefined && !isRedisUrl(redisUrl)) {
    throw invalid(`rateLimit.redisUrl must be a redis:// or rediss:// URL such as "redis://127.0.0.1:6379"; got ${typeof redisUrl === "string" ? "a string of another scheme" : JSON.stringify(redisUrl)}`)
  }
  const keyPrefix = given.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX
  if (typeof keyPrefix !== "string" || keyPrefix.length > 100) {
    throw invalid(`rateLimit.keyPrefix must be a string of at most 100 characters; got ${JSON.stringify(given.keyPrefix)}`)
  }
  const limit = given.default === undefined ? null : validateRateLimit(given.default, " (module option rateLimit.default)")
  return { default: limit, store, redisUrl, keyPrefix, onStoreError }
}

