import { PostgreSqlExceptionConverter } from "@mikro-orm/postgresql"
import { MedusaError } from "./medusa-error"
import type { Context } from "./context"

/** Pieces every module service shares: aliases, context detection, database error mapping. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** Tells a trailing `sharedContext` apart from a data argument in overloaded methods. */
export function isContext(value: unknown): value is Context {
  return isPlainObject(value) && ("transactionManager" in value || "manager" in value)
}

/**
 * Installs Medusa's other naming era as doors onto the same methods (`create` → `createApiKeys`):
 * one implementation, two names.
 */
export function installMethodAliases(serviceClass: { prototype: object }, aliases: Record<string, string>): void {
  const prototype = serviceClass.prototype as Record<string, unknown>
  for (const [alias, target] of Object.entries(aliases)) {
    if (typeof prototype[target] !== "function") {
      throw new Error(`Cannot alias ${alias}: ${target} is not a method`)
    }
    Object.defineProperty(prototype, alias, { value: prototype[target], writable: true, configurable: true })
  }
}

/**
 * Database failures become MedusaErrors without echoing row values (a unique violation's detail
 * would quote the conflicting value, which may be a token hash).
 */
export function databaseErrorTranslator(duplicateMessage: string): (error: unknown) => never {
  return (error: unknown): never => {
    if (MedusaError.isMedusaError(error)) throw error
    const name = driverExceptionName(error)
    if (name === "UniqueConstraintViolationException") {
      throw new MedusaError(MedusaError.Types.DUPLICATE_ERROR, duplicateMessage)
    }
    if (name.endsWith("Exception")) {
      throw new MedusaError(MedusaError.Types.DB_ERROR, `The database refused the operation (${name})`)
    }
    throw error
  }
}

const exceptionConverter = new PostgreSqlExceptionConverter()

/**
 * MikroORM's exception class name for a database error (UniqueConstraintViolationException, …).
 * em.find converts driver errors itself; the query builder rethrows pg's raw error (with its
 * SQLSTATE `code`), which is converted here the same way.
 */
function driverExceptionName(error: unknown): string {
  const name = (error as Error)?.constructor?.name ?? ""
  if (name.endsWith("Exception")) return name
  const code = (error as { code?: unknown })?.code
  if (error instanceof Error && typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    return exceptionConverter.convertException(error as Error & { code: string }).constructor.name
  }
  return name
}

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

export const DATABASE_OPTION_KEYS = ["clientUrl", "schema", "pool", "debug", "logger"] as const
