import type { Client } from "../client"
import type { ClientHeaders, StoreSalesChannelListParams, StoreSalesChannelListResponse } from "../types"

/** `sdk.store.salesChannel`: this server's GET /store/sales-channels (Medusa's store API has no such route). */
export class StoreSalesChannel {
  constructor(private readonly client: Client) {}

  /** The sales channels the request's publishable key grants (`publishableKey` in the config). */
  list(query?: StoreSalesChannelListParams, headers?: ClientHeaders): Promise<StoreSalesChannelListResponse> {
    return this.client.fetch("/store/sales-channels", { query, headers })
  }
}
