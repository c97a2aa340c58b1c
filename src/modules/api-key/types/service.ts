import type { Context } from "../../../framework/modules-sdk/context"
import type { FindConfig, GeneratedMethods, ShortMethods } from "../../../framework/modules-sdk/service"
import type { ApiKeyHistoryDTO, FilterableApiKeyHistoryProps } from "../models/api-key-history"
import type { ApiKeyRateLimit } from "../models/api-key"
import type { AuthenticationStats } from "../authentication/authenticator"
import type { RateLimitedKey } from "../rate-limit/limiter"
import type { RateLimitOutcome } from "../rate-limit/store"
import type { ApiKeyDTO, CreateApiKeyDTO, FilterableApiKeyProps, LeakedTokenReport, LeakedTokenResult, RevokeApiKeyDTO, UpdateApiKeyDTO } from "./api-key"

/** The DTO types the generated methods of the api key service take and return. */
export interface ApiKeyTypes {
  dto: ApiKeyDTO
  create: CreateApiKeyDTO
  update: UpdateApiKeyDTO
  filters: FilterableApiKeyProps
}

/**
 * The public contract of the API Key Module's service. The generic methods come in both of
 * Medusa's naming eras (`create` / `createApiKeys`, `list` / `listApiKeys` …); `revoke` and
 * `authenticate` are the module's own.
 */
export interface IApiKeyModuleService extends ShortMethods<ApiKeyTypes>, GeneratedMethods<"ApiKey", ApiKeyTypes> {
  /** Revokes now, or `revoke_in` seconds from now. A secret key already revoked (or expired) cannot be revoked again. */
  revoke(id: string, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  revoke(selector: string[] | FilterableApiKeyProps, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO[]>
  /** The key for a valid, unrevoked and unexpired secret token, else `false`; never throws for bad input. */
  authenticate(token: unknown, sharedContext?: Context): Promise<ApiKeyDTO | false>
  /** Counters of the verification cache, the change feed and scrypt (for metrics and tests). */
  authenticationStats(): AuthenticationStats
  /**
   * The key history (not in Medusa): every lifecycle change of every key, newest first. Filters:
   * `api_key_id`, `action`, `actor`, `id`, `created_at`. Entries of deleted keys stay readable.
   */
  listApiKeyHistory(filters?: FilterableApiKeyHistoryProps, config?: FindConfig, sharedContext?: Context): Promise<ApiKeyHistoryDTO[]>
  listAndCountApiKeyHistory(filters?: FilterableApiKeyHistoryProps, config?: FindConfig, sharedContext?: Context): Promise<[ApiKeyHistoryDTO[], number]>
  /** Deletes history entries recorded before `older_than`; returns how many. History is kept until this is called. */
  pruneApiKeyHistory(data: { older_than: Date | string }, sharedContext?: Context): Promise<number>
  /**
   * Leak response (not in Medusa): revokes at once the active secret keys the reported tokens
   * belong to (`revoked_by: "secret-scanning"`, history `revoked` with `reason: "leaked"`);
   * publishable tokens are labelled, never revoked; unknown tokens change nothing. One result per
   * reported token, in order (see LeakedTokenResult: only `token_hash`, `token_type` and `label`
   * may go back to a reporter).
   */
  revokeLeakedTokens(reports: (LeakedTokenReport | string)[], sharedContext?: Context): Promise<LeakedTokenResult[]>
  /** Whether a leak report's raw body was signed by one of the module's `secretScanning.publicKeys`. */
  verifySecretScanningSignature(payload: Buffer | string, keyIdentifier: unknown, signature: unknown): boolean
  /**
   * Counts one request of an authenticated key against its rate limit (its own `rate_limit`, else
   * the module's `rateLimit.default`): the outcome, or null when no limit applies. The HTTP host
   * calls it once per request after authentication (see README "Rate limits").
   */
  consumeRateLimit(key: RateLimitedKey): Promise<RateLimitOutcome | null>
  /** The limit that applies to the key (its own `rate_limit`, else the module's default); null when none does. Sends nothing. */
  rateLimitOf(key: RateLimitedKey): ApiKeyRateLimit | null
  /**
   * Every scope a key may hold (not in Medusa): the built-in ones and the module option
   * `customScopes`, sorted. `authorize("resource:action")` checks its scope against these at start-up.
   */
  knownScopes(): string[]
  /** Writes pending `last_used_at` updates now (shutdown does too). */
  flushLastUsed(): Promise<void>
  onApplicationShutdown(): Promise<void>
}

export type { ApiKeyModuleOptions, RateLimitOption, SecretKeyLimitOption } from "./options"
export type { RateLimitedKey, RateLimitOutcome }
