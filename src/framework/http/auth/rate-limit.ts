import type { Request, Response } from "express"
import { Modules } from "../../modules-sdk/definitions"
import { MedusaError } from "../../modules-sdk/medusa-error"

/** A key as authentication returned it: its id and, when it has one, its own rate limit. */
export interface KeyWithRateLimit {
  id: string
  rate_limit?: { limit: number; window_s: number } | null
}

/** What the API key module's `consumeRateLimit` answers (see modules/api-key/rate-limit). */
interface RateLimitOutcome {
  allowed: boolean
  limit: number
  window_s: number
  remaining: number
  reset_ms: number
}

/** What this host needs of the API key module; a module without it (Medusa's own) limits nothing. */
interface RateLimitingService {
  consumeRateLimit?(key: KeyWithRateLimit): Promise<RateLimitOutcome | null>
  /** The limit that applies to the key (its own, else the module's default); null: none. */
  rateLimitOf?(key: KeyWithRateLimit): { limit: number; window_s: number } | null
}

// Per request, outside the request object: adding properties to express's request on the hot
// path costs more than a WeakMap entry.
/** Requests whose key has been counted, whichever middleware did it. */
const counted = new WeakSet<Request>()
/** The accepted secret key of an admin request, waiting to be counted once the request is authorized. */
const held = new WeakMap<Request, KeyWithRateLimit>()

/**
 * Admin authentication accepts the key before the route's `authorize(...)` has run: the key is
 * held here and counted by countHeldRateLimit once the request is authorized, so a request
 * refused for a missing scope (403) is not counted, like one refused for its key (401).
 */
export function holdRateLimit(req: Request, key: KeyWithRateLimit): void {
  if (!held.has(req)) held.set(req, key)
}

/**
 * Counts the held key, if any (once per request): when authorize passes, before a route's handler,
 * or before a 404. Undefined when there is nothing to wait for (the common case: no limit applies).
 */
export function countHeldRateLimit(req: Request, res: Response): Promise<void> | undefined {
  const key = held.get(req)
  return key ? enforceKeyRateLimit(req, res, key) : undefined
}

/**
 * Counts the request against its key's rate limit, once per request: the admin authentication
 * may run twice (the /admin guard, then a route's own `authenticate(...)`), and only the first
 * counts. Called only after the key was accepted, so a request refused for auth never counts.
 *
 * Sends the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers) on every limited answer:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (whole seconds until Remaining grows;
 * when it is 0, until a request is allowed again) and `RateLimit-Policy` (`limit;w=window_s`).
 * Over the limit: 429 too_many_requests with `Retry-After` (the same seconds). A key without a
 * limit gets no headers and costs no store call.
 */
export function enforceKeyRateLimit(req: Request, res: Response, key: KeyWithRateLimit): Promise<void> | undefined {
  if (counted.has(req)) return undefined
  counted.add(req)
  const service = req.scope.resolve<RateLimitingService>(Modules.API_KEY)
  // No limit for this key: decided without a promise, as most requests are.
  if (!service.consumeRateLimit || service.rateLimitOf?.(key) === null) return undefined
  return service.consumeRateLimit(key).then((outcome) => applyOutcome(res, outcome))
}

function applyOutcome(res: Response, outcome: RateLimitOutcome | null): void {
  if (!outcome) return
  // Whole milliseconds first: a monotonic clock's fractions (2000.0000001 ms) must not add a second.
  const resetSeconds = Math.max(0, Math.ceil(Math.round(outcome.reset_ms) / 1000))
  res.set({
    "RateLimit-Limit": String(outcome.limit),
    "RateLimit-Remaining": String(outcome.remaining),
    "RateLimit-Reset": String(resetSeconds),
    "RateLimit-Policy": `${outcome.limit};w=${outcome.window_s}`,
  })
  if (outcome.allowed) return
  res.set("Retry-After", String(Math.max(1, resetSeconds)))
  throw new MedusaError(
    MedusaError.Types.TOO_MANY_REQUESTS,
    `Too many requests with this API key: it may make ${outcome.limit} requests per ${outcome.window_s} seconds; retry in ${Math.max(1, resetSeconds)} seconds`
  )
}
