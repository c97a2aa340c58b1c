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

/** Medusa's filters on api keys: any readable field, `q` (title and redacted), `$and`, `$or`. */
export type FilterableApiKeyProps = InferFilters<typeof ApiKey>

export type ApiKeyFindConfig = FindConfig<keyof ApiKeyDTO & string>
export type { FindConfig }
