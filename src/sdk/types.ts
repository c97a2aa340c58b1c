import type { z } from "zod"
import type * as apiKeyValidators from "../api/admin/api-keys/validators"
import type * as salesChannelValidators from "../api/admin/sales-channels/validators"
import type { ApiKeyDTO, FilterableApiKeyProps } from "../modules/api-key/types/api-key"
import type { ApiKeyHistoryAction, ApiKeyHistoryDTO } from "../modules/api-key/models/api-key-history"
import type { BuiltInApiKeyScope } from "../modules/api-key/utils/scopes"
import type { FilterableSalesChannelProps, SalesChannelDTO } from "../modules/sales-channel/types"

/**
 * The SDK's request and response types, in the spirit of Medusa's `HttpTypes`. Everything here is
 * a type: it is derived from the server's DTOs and validators (imported as types only, so no
 * server code reaches a bundle), with dates as the ISO strings JSON carries.
 */

/** A value as it arrives over JSON: every Date a string. */
export type Serialized<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T]: Serialized<T[K]> }
      : T

/** Per-request headers; a null value removes a header the client would otherwise send. */
export type ClientHeaders = Record<string, string | null>

export interface Config {
  /** Where the server is, e.g. `http://localhost:9000`; "" (the default) for the page's own origin. */
  baseUrl?: string
  /** A secret key (`sk_…`), sent as `Authorization: Basic base64("sk_…:")`. */
  apiKey?: string
  /** A publishable key (`pk_…`), sent as `x-publishable-api-key` (what /store routes require). */
  publishableKey?: string
  /** Headers sent with every request. */
  globalHeaders?: ClientHeaders
  /** The fetch to use; the platform's global `fetch` by default. */
  fetch?: typeof fetch
}

/** `fields` (e.g. `"id,title"`, `"+last_used_at"`, `"*sales_channels"`): what a response carries. */
export interface SelectParams {
  fields?: string
}

/** Paging and order of a list; `order` is a field, `-field` for descending. */
export interface FindParams extends SelectParams {
  limit?: number
  offset?: number
  order?: string
}

export interface PaginatedResponse {
  count: number
  offset: number
  limit: number
}

export interface DeleteResponse<Object extends string> {
  id: string
  object: Object
  deleted: true
}

// --- Sales channels -----------------------------------------------------------------------------

export type AdminSalesChannel = Serialized<SalesChannelDTO>
export type AdminSalesChannelListParams = FindParams &
  FilterableSalesChannelProps & {
    /** Channels linked to this publishable key (or any of these keys). */
    publishable_key_id?: string | string[]
    with_deleted?: boolean
  }
export type AdminCreateSalesChannel = z.input<typeof salesChannelValidators.AdminCreateSalesChannel>
export type AdminUpdateSalesChannel = z.input<typeof salesChannelValidators.AdminUpdateSalesChannel>
export interface AdminSalesChannelResponse {
  sales_channel: AdminSalesChannel
}
export interface AdminSalesChannelListResponse extends PaginatedResponse {
  sales_channels: AdminSalesChannel[]
}
export type AdminSalesChannelDeleteResponse = DeleteResponse<"sales-channel">

export type StoreSalesChannel = Serialized<SalesChannelDTO>
export type StoreSalesChannelListParams = SelectParams
export interface StoreSalesChannelListResponse {
  sales_channels: StoreSalesChannel[]
}

// --- API keys -----------------------------------------------------------------------------------

/** A key as the admin API returns it: `token` is "" for a secret key except in the create and roll responses. */
export type AdminApiKey = Serialized<ApiKeyDTO> & {
  /** The linked sales channels (when the app runs the sales channel module). */
  sales_channels?: AdminSalesChannel[]
}
export type AdminGetApiKeysParams = FindParams & FilterableApiKeyProps & { with_deleted?: boolean }
export type AdminCreateApiKey = z.input<typeof apiKeyValidators.AdminCreateApiKey> & AdditionalData
export type AdminUpdateApiKey = z.input<typeof apiKeyValidators.AdminUpdateApiKey> & AdditionalData
export type AdminRevokeApiKey = z.input<typeof apiKeyValidators.AdminRevokeApiKey>
export type AdminRollApiKey = z.input<typeof apiKeyValidators.AdminRollApiKey>
/** The built-in scopes a secret key can be limited to (`resource:action`); `"*"`, `resource:*` and an app's `customScopes` are accepted too. */
export type AdminApiKeyScope = BuiltInApiKeyScope
/** Medusa's `AdminBatchLink`: sales channel ids to link to and unlink from a publishable key. */
export type AdminBatchLink = z.input<typeof apiKeyValidators.AdminBatchSalesChannels>

/** Passed to the workflow's hooks (`additional_data`), as in Medusa's create and update bodies. */
export interface AdditionalData {
  additional_data?: Record<string, unknown> | null
}

export interface AdminApiKeyResponse {
  api_key: AdminApiKey
}
export interface AdminApiKeyListResponse extends PaginatedResponse {
  api_keys: AdminApiKey[]
}
export type AdminApiKeyDeleteResponse = DeleteResponse<"api_key">

type DateFilter = string | Date | { $eq?: string | Date; $ne?: string | Date; $gt?: string | Date; $gte?: string | Date; $lt?: string | Date; $lte?: string | Date }

export type AdminApiKeyHistoryEntry = Serialized<ApiKeyHistoryDTO>
/** Which actions, by whom, since when, and the page (newest first). */
export interface AdminGetApiKeyHistoryParams {
  action?: ApiKeyHistoryAction | ApiKeyHistoryAction[]
  actor?: string | string[]
  created_at?: DateFilter
  limit?: number
  offset?: number
}
export interface AdminApiKeyHistoryResponse extends PaginatedResponse {
  history: AdminApiKeyHistoryEntry[]
}
