import type { InferDTO, InferFilters } from "../../../framework/modules-sdk/model"
import type { FindConfig } from "../../../framework/modules-sdk/service"
import type { ApiKey, ApiKeyType } from "../models/api-key"

/** What every read returns (derived from the model). `token` is "" for secret keys; `salt` never appears. */
export type ApiKeyDTO = InferDTO<typeof ApiKey>

export interface CreateApiKeyDTO {
  title: string
  type: ApiKeyType | `${ApiKeyType}`
  created_by: string
}

export interface UpdateApiKeyDTO {
  /** Only the title can change; other fields are ignored, as in Medusa. */
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
