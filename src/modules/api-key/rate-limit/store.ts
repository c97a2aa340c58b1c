import type { ApiKeyRateLimit } from "../models/api-key"

/**
 * What counting one request against a key's limit tells the caller. The window is sliding and
 * exact: a key may make at most `limit` requests in any `window_s` seconds. A request is counted
 * only when it is allowed (a refused one uses none of the quota), and it leaves the window exactly
 * `window_s` seconds after it was made.
 */
export interface RateLimitOutcome {
  allowed: boolean
  limit: number
  window_s: number
  /** Requests still allowed in the window once this one is counted. */
  remaining: number
  /**
   * Milliseconds until `remaining` grows: the moment the oldest request still holding a place
   * leaves the window. When `remaining` is 0 that is when a request is allowed again.
   */
  reset_ms: number
}

/**
 * Where the windows live: in this process (memory) or in Redis, shared by every server. Both run
 * the same algorithm (a sliding window log); a store throws only when it cannot answer.
 */
export interface RateLimitStore {
  readonly kind: "memory" | "redis"
  hit(keyId: string, limit: ApiKeyRateLimit): RateLimitOutcome | Promise<RateLimitOutcome>
  close(): Promise<void>
}

/**
 * Which logged request decides `reset_ms`, among the `count` in the window (oldest first): the
 * oldest while there is room; when the key is over its limit (its limit was lowered), the one
 * whose departure brings it back under.
 */
export function resetIndex(count: number, limit: number): number {
  return Math.max(0, count - limit)
}
