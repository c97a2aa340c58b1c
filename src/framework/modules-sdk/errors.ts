import { MedusaError } from "./medusa-error"

/** Error helpers every module shares, so a message for the same mistake reads the same everywhere. */

export function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

/** A plain object: not null, not an array, not a Date (a date filter value is not an operator map). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** Medusa's not-found message: `ApiKey with id: apk_1, apk_2 was not found`. */
export function notFound(entityName: string, ids: string[]): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `${entityName} with id: ${ids.join(", ")} was not found`)
}

/** SQLSTATE classes and codes worth naming in a message (PostgreSQL's condition names). */
const CONDITION_NAMES: Record<string, string> = {
  "23505": "unique_violation",
  "23502": "not_null_violation",
  "23514": "check_violation",
  "42P01": "undefined_table",
  "42703": "undefined_column",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "57014": "query_canceled",
}

/**
 * The SQLSTATE of a database error. pg's errors carry it as `code`, and MikroORM's driver
 * exceptions copy it from the error they wrap, so both are classified the same way.
 */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unreachable at the moment; retry in a few seconds"

const REPORTED = Symbol.for("medusa-api-key.outageReported")

/**
 * Marks an error whose cause the code raising it has already logged (once per outage, such as the
 * rate limit store's), so the HTTP error handler does not log it again.
 */
export function markReported<E extends Error>(error: E): E {
  Object.defineProperty(error, REPORTED, { value: true })
  return error
}

export function isReported(error: unknown): boolean {
  return !!error && typeof error === "object" && (error as Record<symbol, unknown>)[REPORTED] === true
}

/** Socket errors and messages that mean the database could not be reached (not that it refused). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"])
// "Transaction query already complete": knex's answer to a statement sent on a transaction whose
// connection died under it (the server rolled it back), i.e. the outage seen mid-transaction.
const UNREACHABLE_MESSAGE =
  /Connection (?:terminated|ended unexpectedly|is closed)|Timeout acquiring a connection|Unable to acquire a connection|timeout exceeded when trying to connect|is not queryable|the database system is (?:shutting down|starting up|in recovery mode)|Transaction query already complete|is not currently accepting connections/i

/**
 * Whether an error means the database is unavailable: a connection exception (SQLSTATE class 08),
 * a server shutting down or starting (57P01–57P03), too many connections (53300), or a socket
 * that could not connect or was cut.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== "object") return false
  const code = (error as { code?: unknown }).code
  if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code) || code === "53300")) return true
  const message = (error as { message?: unknown }).message
  return typeof message === "string" && UNREACHABLE_MESSAGE.test(message)
}

/**
 * Database failures become MedusaErrors without echoing row values (a unique violation's detail
 * would quote the conflicting value, which may be a token hash). Anything that is not a database
 * error is rethrown as it is.
 */
export function databaseErrorTranslator(duplicateMessage: string): (error: unknown) => never {
  return (error: unknown): never => {
    if (MedusaError.isMedusaError(error)) throw error
    if (isDatabaseUnavailable(error)) throw new MedusaError(MedusaError.Types.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE)
    const code = sqlState(error)
    if (code === "23505") throw new MedusaError(MedusaError.Types.DUPLICATE_ERROR, duplicateMessage)
    if (code) {
      const name = CONDITION_NAMES[code]
      throw new MedusaError(MedusaError.Types.DB_ERROR, `The database refused the operation (SQLSTATE ${code}${name ? ` ${name}` : ""})`)
    }
    throw error
  }
}
