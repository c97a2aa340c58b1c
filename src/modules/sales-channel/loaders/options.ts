import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { assertKnownOptionKeys, DATABASE_OPTION_KEYS } from "../../../framework/modules-sdk/service-helpers"
import type { SalesChannelModuleOptions } from "../types"

/** Checks the module options once at load time, so a mistake fails at start-up, not on first use. */
export function normalizeSalesChannelModuleOptions(raw: unknown): SalesChannelModuleOptions {
  const options = raw ?? {}
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "The sales channel module options must be an object such as { database: { clientUrl } }")
  }
  assertKnownOptionKeys(options, ["database"], "")
  assertKnownOptionKeys((options as SalesChannelModuleOptions).database, DATABASE_OPTION_KEYS, "database.")
  return options as SalesChannelModuleOptions
}
