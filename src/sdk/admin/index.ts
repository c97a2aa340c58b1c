import type { Client } from "../client"
import { ApiKey } from "./api-key"
import { SalesChannel } from "./sales-channel"

/** `sdk.admin`: the admin routes this server has; every call needs a secret key (`apiKey`). */
export class Admin {
  readonly apiKey: ApiKey
  readonly salesChannel: SalesChannel

  constructor(client: Client) {
    this.apiKey = new ApiKey(client)
    this.salesChannel = new SalesChannel(client)
  }
}
