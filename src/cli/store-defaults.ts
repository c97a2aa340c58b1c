import { Client } from "pg"
import { Modules } from "../framework/modules-sdk/definitions"
import type { MedusaApp } from "../medusa-app"
import type { ApiKeyDTO } from "../modules/api-key"
import { createStoreDefaultsWorkflow } from "../workflows/create-store-defaults"

export interface StoreDefaults {
  /** The default publishable key, when it was created now (its token is public by design). */
  createdKey?: ApiKeyDTO
  createdChannel: boolean
}

/** One lock per database, so two servers starting together create the defaults once. */
const DEFAULTS_LOCK = "select pg_advisory_lock(hashtext('medusa-api-key:store-defaults'))"
const DEFAULTS_UNLOCK = "select pg_advisory_unlock(hashtext('medusa-api-key:store-defaults'))"

/**
 * A fresh store's initial data (see createStoreDefaultsWorkflow), for an app that runs both the
 * api key and the sales channel module; nothing for any other app.
 */
export async function ensureStoreDefaults(app: MedusaApp, databaseUrl: string): Promise<StoreDefaults> {
  if (!app.container.hasRegistration(Modules.API_KEY) || !app.container.hasRegistration(Modules.SALES_CHANNEL)) return { createdChannel: false }
  const lock = new Client({ connectionString: databaseUrl, application_name: "medusa-api-key-defaults" })
  await lock.connect()
  try {
    await lock.query(DEFAULTS_LOCK)
    const before = await lock.query("select count(*)::int as n from sales_channel")
    const { result } = await createStoreDefaultsWorkflow(app.container).run({ input: undefined })
    return {
      createdKey: result.publishable_key ?? undefined,
      createdChannel: before.rows[0].n === 0 && !!result.sales_channel,
    }
  } finally {
    await lock.query(DEFAULTS_UNLOCK).catch(() => undefined)
    await lock.end()
  }
}

/** What start and db:migrate say when they created the defaults. */
export function describeStoreDefaults(defaults: StoreDefaults): string[] {
  const lines: string[] = []
  if (defaults.createdChannel) lines.push('Created the default sales channel "Default Sales Channel"')
  if (defaults.createdKey) {
    lines.push(`Created the default publishable API key: ${defaults.createdKey.token} (send it as x-publishable-api-key from your storefront)`)
  }
  return lines
}
