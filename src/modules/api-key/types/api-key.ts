import type { InferDTO, InferFilters } from "../../../framework/modules-sdk/model"
import type { FindConfig } from "../../../framework/modules-sdk/service"
import type { ApiKey, ApiKeyType } from "../models/api-key"
import type { ApiKeySettings } from "../services/key-settings"
export type { ApiKeySettings }

/** What every read returns (derived from the model). `token` is "" for secret keys; `salt` never appears. */
export type ApiKeyDTO = InferDTO<typeof ApiKey>

/** Medusa's three fields, and this project's optional settings (null or absent: Medusa's behaviour). */
export interface CreateApiKeyDTO extends ApiKeySettings {
  title: string
  type: ApiKeyType | `${ApiKeyType}`
  created_by: string
  /**
   * When the key stops working (a date or an ISO 8601 string in the future); from then on it
   * counts as revoked. Give this or `expires_in`, not both; neither: no expiry, unless the module
   * option `maxLifetime` sets one. It cannot change later: revoke the key to end it earlier.
   */
  expires_at?: Date | string | null
  /** Seconds from now until the key stops working (instead of `expires_at`). */
  expires_in?: number | null
  /**
   * The key this one replaces (roll sets it): with no expiry of its own, the new key lives as
   * long as the old one was meant to (its expires_at - created_at), within `maxLifetime`.
   */
  predecessor_id?: string | null
}

/** The title and the settings can change (null clears a setting); other fields are ignored, as in Medusa. */
export interface UpdateApiKeyDTO extends ApiKeySettings {
  title?: string
}

export interface UpsertApiKeyDTO extends Partial<CreateApiKeyDTO> {
  id?: string
}

export interface RevokeApiKeyDTO {
  revoked_by?: string | null
  /** Seconds from now until the key stops working; 0 or absent revokes at once (at most 100 years). */
  revoke_in?: number
  /** Refuse (not_allowed) keys whose revocation is already scheduled; roll uses it so one key gets one successor. */
  unscheduled_only?: boolean
  /** The key that replaces this one (roll uses it): the revocation is recorded in the history as `rolled`, naming it. */
  successor_id?: string | null
}

/** One reported token, as GitHub's secret scanning partner programme sends it (`type`, `url`, `source` optional). */
export interface LeakedTokenReport {
  token: string
  /** The reporter's name for the token's kind (GitHub: the secret type registered with it). */
  type?: string
  /** Where the token was found (GitHub: a public URL, possibly empty). */
  url?: string
  /** What kind of place that is (GitHub: `content`, `commit`, `issue_comment` …). */
  source?: string
}

/**
 * GitHub's feedback labels. Here a label says only whether the token is well formed (the right
 * prefix and length, and for a checksummed token a holding checksum): it is decided without the
 * database, so it never tells the reporter whether a key had the token.
 */
export type LeakLabel = "true_positive" | "false_positive"

/** What happened to one reported token. */
export interface LeakedTokenResult {
  /** SHA-256 of the token, hex: GitHub's `token_hash` (the token itself is never sent back). */
  token_hash: string
  /** The reported `type`, echoed (GitHub's `token_type`). */
  token_type?: string
  label: LeakLabel
  /**
   * For the operator (the CLI), never for the reporter: `revoked` (an active secret key, revoked
   * now), `publishable` (an active publishable key: public by design, not revoked),
   * `no_active_key` (no key has it, or its key is already revoked or deleted), `malformed`.
   */
  outcome: "revoked" | "publishable" | "no_active_key" | "malformed"
  /** The key, for `revoked` and `publishable`. */
  api_key_id?: string
}

/** Medusa's filters on api keys: any readable field, `q` (title and redacted), `$and`, `$or`. */
export type FilterableApiKeyProps = InferFilters<typeof ApiKey>

export type ApiKeyFindConfig = FindConfig<keyof ApiKeyDTO & string>
export type { FindConfig }
