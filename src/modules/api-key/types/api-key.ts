import type { ApiKeyType } from "../models/api-key"

/** What every read returns. `token` is "" for secret keys; `salt` never appears. */
export interface ApiKeyDTO {
  id: string
  token: string
  redacted: string
  title: string
  type: ApiKeyType
  last_used_at: Date | null
  created_by: string
  revoked_by: string | null
  revoked_at: Date | null
  created_at: Date
  updated_at: Date
  deleted_at: Date | null
}

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
  /** Seconds from now until the key stops working; 0 or absent revokes at once. */
  revoke_in?: number
}

export type DateOperatorMap = {
  $eq?: Date | string | null
  $ne?: Date | string | null
  $gt?: Date | string
  $gte?: Date | string
  $lt?: Date | string
  $lte?: Date | string
  $in?: (Date | string)[]
  $nin?: (Date | string)[]
}

export type StringFilter = string | string[] | { $eq?: string; $ne?: string; $in?: string[]; $nin?: string[]; $like?: string; $ilike?: string }

export interface FilterableApiKeyProps {
  id?: StringFilter
  q?: string
  title?: StringFilter
  token?: StringFilter
  redacted?: StringFilter
  type?: ApiKeyType | `${ApiKeyType}` | (ApiKeyType | `${ApiKeyType}`)[] | StringFilter
  created_by?: StringFilter
  revoked_by?: StringFilter | null
  created_at?: DateOperatorMap | Date | string
  updated_at?: DateOperatorMap | Date | string
  revoked_at?: DateOperatorMap | Date | string | null
  last_used_at?: DateOperatorMap | Date | string | null
  deleted_at?: DateOperatorMap | Date | string | null
  $and?: FilterableApiKeyProps[]
  $or?: FilterableApiKeyProps[]
}

export interface FindConfig<TField extends string = string> {
  select?: TField[]
  skip?: number
  take?: number | null
  order?: Partial<Record<TField, "ASC" | "DESC" | "asc" | "desc">>
  withDeleted?: boolean
  relations?: string[]
}

export type ApiKeyFindConfig = FindConfig<keyof ApiKeyDTO & string>
