import { MedusaError } from "../../modules-sdk/medusa-error"
import type { SalesChannelModuleOptions } from "../types"

/** Checks the module options once at load time, so a mistake fails at start-up, not on first use. */
export function normalizeSalesChannelModuleOptions(raw: unknown): SalesChannelModuleOptions {
  const options = raw ?? {}
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "The sales channel module options must be an object such as { database: { clientUrl } }")
  }
  return options as SalesChannelModuleOptions
}
