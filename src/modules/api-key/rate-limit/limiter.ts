import { redactUrl } from "../../../framework/modules-sdk/database"
import type { Logger } from "../../../framework/event-bus/types"
import { markReported } from "../../../framework/modules-sdk/errors"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { ApiKeyRateLimit } from "../models/api-key"
import type { RateLimitSettings } from "./options"
import type { RateLimitOutcome, RateLimitStore } from "./store"

/** What the limiter needs of a key: what authentication already holds, so no query is sent. */
export interface RateLimitedKey {
  id: string
  rate_limit?: ApiKeyRateLimit | null
}

export const RATE_LIMIT_UNAVAILABLE_MESSAGE = "Rate limits cannot be checked at the moment (their store is unreachable); retry in a few seconds"

/**
 * Per-key rate limits: a key's own `rate_limit`, else the module's default, counted in the store
 * (memory or Redis). A key with neither costs nothing — no store call, no clock read.
 *
 * When the store cannot answer, `onStoreError` decides: "open" serves the request without a limit,
 * "closed" refuses it with 503 service_unavailable. Either way one warning is logged when the
 * outage starts and one line when the store answers again — not one per request. Log lines name
 * the store (its URL with any password masked), never a key's token.
 */
export class KeyRateLimiter {
  private failing = false

  constructor(
    private readonly settings: RateLimitSettings,
    readonly store: RateLimitStore,
    private readonly logger: Pick<Logger, "info" | "warn">,
    /** The store's address for log lines (already resolved from the options or the app). */
    private readonly storeUrl?: string
  ) {}

  /** The limit that applies to this key, or null when it has none. */
  limitOf(key: RateLimitedKey): ApiKeyRateLimit | null {
    return key.rate_limit ?? this.settings.default
  }

  /** Counts one request of the key; null when no limit applies or (failing open) when the store is unreachable. */
  async consume(key: RateLimitedKey): Promise<RateLimitOutcome | null> {
    const limit = this.limitOf(key)
    if (!limit) return null
    let outcome: RateLimitOutcome
    try {
      outcome = await this.store.hit(key.id, limit)
    } catch (error) {
      this.storeFailed(error)
      if (this.settings.onStoreError === "closed") throw markReported(new MedusaError(MedusaError.Types.SERVICE_UNAVAILABLE, RATE_LIMIT_UNAVAILABLE_MESSAGE))
      return null
    }
    if (this.failing) {
      this.failing = false
      this.logger.info(`Rate limits: ${this.describeStore()} answers again; limits are enforced again`)
    }
    return outcome
  }

  private storeFailed(error: unknown): void {
    if (this.failing) return
    this.failing = true
    const reason = error instanceof Error ? error.message : String(error)
    const then = this.settings.onStoreError === "closed" ? "refusing limited keys' requests with 503 until it is back" : "serving requests without limits until it is back"
    this.logger.warn(`Rate limits: ${this.describeStore()} is unreachable (${reason}); ${then} (rateLimit.onStoreError "${this.settings.onStoreError}")`)
  }

  private describeStore(): string {
    return this.storeUrl ? `Redis at ${redactUrl(this.storeUrl)}` : "the rate limit store"
  }

  close(): Promise<void> {
    return this.store.close()
  }
}
