import type { Client } from "../client"
import { StoreSalesChannel } from "./sales-channel"

/** `sdk.store`: storefront routes; they need a publishable key (`publishableKey`). */
export class Store {
  readonly salesChannel: StoreSalesChannel

  constructor(client: Client) {
    this.salesChannel = new StoreSalesChannel(client)
  }
}
