import { z } from "zod"
import { listParams, retrieveParams } from "../../../framework/http/model-params"
import { WithAdditionalData } from "../../../framework/http/validation"
import { dateFilter, findParams } from "../../../framework/http/query-params"
import { API_KEY_HISTORY_ACTIONS, ApiKey, type ApiKeyHistoryAction } from "../../../modules/api-key"

/** Query of GET /admin/api-keys: filters on the key's readable fields, `q`, paging, order, fields. */
export const AdminGetApiKeysParams = listParams(ApiKey)
export type AdminGetApiKeysParamsType = z.output<typeof AdminGetApiKeysParams>

/** Query of GET /admin/api-keys/:id (and of the write routes, which answer with the key). */
export const AdminGetApiKeyParams = retrieveParams
export type AdminGetApiKeyParamsType = z.output<typeof AdminGetApiKeyParams>

/**
 * This project's optional key settings over HTTP. Their shape, limits and which key type may
 * carry them are checked once, by the module, whose messages name the field and what to fix.
 */
const keySettings = {
  scopes: z.array(z.string()).nullable().optional(),
  allowed_origins: z.array(z.string()).nullable().optional(),
  rate_limit: z.strictObject({ limit: z.number(), window_s: z.number() }).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
}

export const AdminCreateApiKey = z.strictObject({
  title: z.string(),
  type: z.enum(["publishable", "secret"]),
  ...keySettings,
  /** When the key stops working (ISO 8601, in the future); or `expires_in` seconds from now. The module checks both. */
  expires_at: z.string().nullable().optional(),
  expires_in: z.number().nullable().optional(),
})
/** Body of POST /admin/api-keys: the key, and the `additional_data` handed to the apiKeysCreated hook. */
export const AdminCreateApiKeyWithAdditionalData = WithAdditionalData(AdminCreateApiKey)
export type AdminCreateApiKeyType = z.output<typeof AdminCreateApiKey> & AdditionalDataBody

/** The title (Medusa's only updatable field) and this project's settings; the route wants at least one. */
export const AdminUpdateApiKey = z.strictObject({
  title: z.string().optional(),
  ...keySettings,
  // Named only to say why it is refused: an expiry is fixed at creation.
  expires_at: z
    .custom<never>((value) => value === undefined, { message: "expires_at is set at creation and cannot change; revoke the key (with revoke_in) to end it earlier" })
    .optional(),
})
/** Body of POST /admin/api-keys/:id: the title, and `additional_data` passed to the update workflow. */
export const AdminUpdateApiKeyWithAdditionalData = WithAdditionalData(AdminUpdateApiKey)
export type AdminUpdateApiKeyType = z.output<typeof AdminUpdateApiKey> & AdditionalDataBody

/** The validated `additional_data` of a body: any JSON object, or what the app's validator declares. */
export interface AdditionalDataBody {
  additional_data?: Record<string, unknown> | null
}

export const AdminRevokeApiKey = z.strictObject({
  /** Seconds from now until the key stops working; absent or 0 revokes at once. */
  revoke_in: z.number().optional(),
})
export type AdminRevokeApiKeyType = z.output<typeof AdminRevokeApiKey>

/** Body of POST /admin/api-keys/:id/roll: how long the old key overlaps with its successor. */
export const AdminRollApiKey = z.strictObject({
  revoke_in: z.number().min(0).optional(),
})
export type AdminRollApiKeyType = z.output<typeof AdminRollApiKey>

const historyAction = z.enum(API_KEY_HISTORY_ACTIONS as [ApiKeyHistoryAction, ...ApiKeyHistoryAction[]])

/** Query of GET /admin/api-keys/:id/history: which actions, since when, and the page (newest first). */
export const AdminGetApiKeyHistoryParams = z.strictObject({
  action: z.union([historyAction, z.array(historyAction)]).optional(),
  actor: z.union([z.string(), z.array(z.string())]).optional(),
  created_at: dateFilter.optional(),
  limit: findParams.limit,
  offset: findParams.offset,
})
export type AdminGetApiKeyHistoryParamsType = z.output<typeof AdminGetApiKeyHistoryParams>

export const AdminBatchSalesChannels = z.strictObject({
  add: z.array(z.string()).optional(),
  remove: z.array(z.string()).optional(),
})
export type AdminBatchSalesChannelsType = z.output<typeof AdminBatchSalesChannels>
