import { Admin } from "./admin"
import { Client } from "./client"
import { Store } from "./store"
import type { Config } from "./types"

/**
 * The JS SDK, shaped as Medusa's `@medusajs/js-sdk`:
 * `new Medusa({ baseUrl, apiKey })` then `sdk.admin.apiKey.list()`, `sdk.store.salesChannel.list()` …
 * It imports nothing from the server at runtime, so it can be bundled for a browser.
 */
export default class Medusa {
  readonly client: Client
  readonly admin: Admin
  readonly store: Store

  constructor(config: Config = {}) {
    this.client = new Client(config)
    this.admin = new Admin(this.client)
    this.store = new Store(this.client)
  }
}

export { Client, FetchError } from "./client"
export type { FetchArgs } from "./client"
export type * from "./types"
