import { MedusaError } from "./medusa-error"
import { isPlainObject } from "./errors"

/**
 * Refuses option keys a module does not know, listing the ones it takes: a misspelt option
 * (`secretKeyLimits`) must fail at start-up instead of silently leaving a feature off.
 */
export function assertKnownOptionKeys(value: unknown, known: readonly string[], path: string): void {
  if (!isPlainObject(value)) return
  const unknown = Object.keys(value).filter((key) => !known.includes(key))
  if (unknown.length) {
    const owner = path ? path.replace(/\.$/, "") : "the module"
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Unknown option ${unknown.map((key) => path + key).join(", ")}: ${owner} takes ${known.join(", ")}`
    )
  }
}

/**
 * `driverOptions` and `connection` are what Medusa's own loader puts in every module's
 * `options.database` (its shared database settings), so a module loaded by Medusa must accept them.
 */
export const DATABASE_OPTION_KEYS = ["clientUrl", "schema", "pool", "debug", "logger", "driverOptions", "connection"] as const
