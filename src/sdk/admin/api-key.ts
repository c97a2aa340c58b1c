import { segment, type Client } from "../client"
import type {
  AdminApiKeyDeleteResponse,
  AdminApiKeyHistoryResponse,
  AdminApiKeyListResponse,
  AdminApiKeyResponse,
  AdminBatchLink,
  AdminCreateApiKey,
  AdminGetApiKeyHistoryParams,
  AdminGetApiKeysParams,
  AdminRevokeApiKey,
  AdminRollApiKey,
  AdminUpdateApiKey,
  ClientHeaders,
  SelectParams,
} from "../types"

/**
 * `sdk.admin.apiKey`: Medusa's methods with Medusa's arguments, except where this server takes
 * more — `retrieve` and `revoke` accept `fields` (and `revoke` a `revoke_in` body) before the
 * headers — plus this project's `roll` and `history`.
 */
export class ApiKey {
  constructor(private readonly client: Client) {}

  /** GET /admin/api-keys: filters (`type`, `q`, `revoked_at: { $gt }`, `$or` …), paging, order, fields. */
  list(query?: AdminGetApiKeysParams, headers?: ClientHeaders): Promise<AdminApiKeyListResponse> {
    return this.client.fetch("/admin/api-keys", { query, headers })
  }

  /** POST /admin/api-keys. A secret key's token is in this response only: keep it now. */
  create(body: AdminCreateApiKey, query?: SelectParams, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch("/admin/api-keys", { method: "POST", body, query, headers })
  }

  retrieve(id: string, query?: SelectParams, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}`, { query, headers })
  }

  /**
   * The title (Medusa's only updatable field), and this server's settings: `scopes`,
   * `allowed_origins`, `rate_limit`, `metadata` (null clears one). `expires_at` is fixed at creation.
   */
  update(id: string, body: AdminUpdateApiKey, query?: SelectParams, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}`, { method: "POST", body, query, headers })
  }

  /** Revokes now, or `revoke_in` seconds from now (the key keeps working until then). */
  revoke(id: string, body: AdminRevokeApiKey = {}, query?: SelectParams, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}/revoke`, { method: "POST", body, query, headers })
  }

  /** Deletes a revoked key (a key that is not revoked is refused). */
  delete(id: string, headers?: ClientHeaders): Promise<AdminApiKeyDeleteResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}`, { method: "DELETE", headers })
  }

  /** Links (`add`) and unlinks (`remove`) sales channels of a publishable key. */
  batchSalesChannels(id: string, body: AdminBatchLink, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}/sales-channels`, { method: "POST", body, headers })
  }

  /**
   * Not in Medusa: creates the key's successor (same type, title and sales channels) and revokes
   * this key now or after `revoke_in` seconds. The answer is the successor, with its token.
   */
  roll(id: string, body: AdminRollApiKey = {}, headers?: ClientHeaders): Promise<AdminApiKeyResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}/roll`, { method: "POST", body, headers })
  }

  /** Not in Medusa: what happened to the key (created, title changed, revoked, rolled …), newest first. */
  history(id: string, query?: AdminGetApiKeyHistoryParams, headers?: ClientHeaders): Promise<AdminApiKeyHistoryResponse> {
    return this.client.fetch(`/admin/api-keys/${segment(id)}/history`, { query, headers })
  }
}
