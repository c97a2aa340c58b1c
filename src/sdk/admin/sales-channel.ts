import { segment, type Client } from "../client"
import type {
  AdminCreateSalesChannel,
  AdminSalesChannelDeleteResponse,
  AdminSalesChannelListParams,
  AdminSalesChannelListResponse,
  AdminSalesChannelResponse,
  AdminUpdateSalesChannel,
  ClientHeaders,
  SelectParams,
} from "../types"

/** `sdk.admin.salesChannel`: Medusa's methods and arguments (this server has no products to batch). */
export class SalesChannel {
  constructor(private readonly client: Client) {}

  /** GET /admin/sales-channels: filters (`name`, `q`, `is_disabled`, `publishable_key_id` …), paging, order, fields. */
  list(query?: AdminSalesChannelListParams, headers?: ClientHeaders): Promise<AdminSalesChannelListResponse> {
    return this.client.fetch("/admin/sales-channels", { query, headers })
  }

  create(body: AdminCreateSalesChannel, query?: SelectParams, headers?: ClientHeaders): Promise<AdminSalesChannelResponse> {
    return this.client.fetch("/admin/sales-channels", { method: "POST", body, query, headers })
  }

  retrieve(id: string, query?: SelectParams, headers?: ClientHeaders): Promise<AdminSalesChannelResponse> {
    return this.client.fetch(`/admin/sales-channels/${segment(id)}`, { query, headers })
  }

  update(id: string, body: AdminUpdateSalesChannel, query?: SelectParams, headers?: ClientHeaders): Promise<AdminSalesChannelResponse> {
    return this.client.fetch(`/admin/sales-channels/${segment(id)}`, { method: "POST", body, query, headers })
  }

  /** Soft-deletes the channel, as Medusa does; its links to publishable keys are hidden with it. */
  delete(id: string, headers?: ClientHeaders): Promise<AdminSalesChannelDeleteResponse> {
    return this.client.fetch(`/admin/sales-channels/${segment(id)}`, { method: "DELETE", headers })
  }
}
