import path from "node:path"
import { Modules, type LinkInput, type MedusaConfig } from "../src"

/** Source folder of the bench app (its route files are plain .js, read where they are). */
export const BENCH_APP_DIRECTORY = path.resolve(__dirname, "../../bench/app")

/**
 * The app the HTTP benchmark serves and the process that changes its links loads: both modules,
 * so the publishable key ↔ sales channel link exists and the store guard reads it, as in a
 * Medusa store. Real scrypt cost: the secret key is verified once, then served from the cache.
 * `apiKeyOptions`: the api key module's options (the rate limit bench picks the limiter's store).
 */
export function benchAppConfig(databaseUrl: string, apiKeyOptions?: Record<string, unknown>): MedusaConfig {
  return {
    projectConfig: { databaseUrl },
    modules: { apiKey: { resolve: "@medusajs/api-key", ...(apiKeyOptions ? { options: apiKeyOptions } : {}) }, salesChannel: { resolve: "@medusajs/sales-channel" } },
  }
}

/** The link granting a publishable key one sales channel, as `link.create` / `link.dismiss` take it. */
export function salesChannelLink(publishableKeyId: string, salesChannelId: string): LinkInput {
  return { [Modules.API_KEY]: { publishable_key_id: publishableKeyId }, [Modules.SALES_CHANNEL]: { sales_channel_id: salesChannelId } }
}
