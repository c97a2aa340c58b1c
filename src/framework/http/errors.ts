import type { ErrorRequestHandler, RequestHandler } from "express"
import { redactUrl } from "../modules-sdk/database"
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, isReported } from "../modules-sdk/errors"
import { MedusaError } from "../modules-sdk/medusa-error"
import { redactToken } from "../../modules/api-key/authentication/token"
import type { ErrorResponseBody } from "./types"

export interface HttpLogger {
  info(message: string): void
  error(message: string): void
}

const STATUS_BY_TYPE: Record<string, number> = {
  [MedusaError.Types.NOT_FOUND]: 404,
  [MedusaError.Types.INVALID_DATA]: 400,
  [MedusaError.Types.NOT_ALLOWED]: 400,
  [MedusaError.Types.INVALID_ARGUMENT]: 400,
  [MedusaError.Types.UNAUTHORIZED]: 401,
  [MedusaError.Types.FORBIDDEN]: 403,
  [MedusaError.Types.CONFLICT]: 409,
  [MedusaError.Types.DUPLICATE_ERROR]: 422,
  [MedusaError.Types.TOO_MANY_REQUESTS]: 429,
  [MedusaError.Types.DB_ERROR]: 500,
  // Medusa keeps the type and message of an unexpected state and answers 500.
  [MedusaError.Types.UNEXPECTED_STATE]: 500,
  [MedusaError.Types.SERVICE_UNAVAILABLE]: 503,
}

/** Medusa's `code` values for the types that carry one. */
const CODE_BY_TYPE: Record<string, string> = {
  [MedusaError.Types.DUPLICATE_ERROR]: "invalid_request_error",
  [MedusaError.Types.DB_ERROR]: "api_error",
}

const UNKNOWN_ERROR: ErrorResponseBody = {
  type: "unknown_error",
  code: "unknown_error",
  message: "An unknown error occurred.",
}

/** How long a client should wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 5

export interface ErrorResponse {
  status: number
  body: ErrorResponseBody
  headers?: Record<string, string>
}

/**
 * An error of the `http-errors` family — express's router (a path whose percent-encoding does not
 * decode is a 400 URIError), the body parser (bad JSON, too large, an undecodable or unsupported
 * Content-Encoding, an aborted upload) — carrying the 4xx status that describes the client's request.
 */
interface ClientHttpError {
  status?: number
  statusCode?: number
  expose?: boolean
  type?: string
  message: string
  limit?: number
}

function clientErrorStatus(error: unknown): number | undefined {
  const e = error as ClientHttpError | null
  const status = e?.status ?? e?.statusCode
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status < 500 ? status : undefined
}

function describeClientError(error: ClientHttpError, status: number): ErrorResponse {
  if (error.type === "entity.parse.failed") {
    return { status: 400, body: { type: MedusaError.Types.INVALID_DATA, message: `The request body is not valid JSON: ${error.message}` } }
  }
  if (error.type === "entity.too.large") {
    return {
      status: 413,
      body: { type: MedusaError.Types.INVALID_DATA, message: `The request body is larger than the limit of ${error.limit ?? "the server's"} bytes` },
    }
  }
  if (error instanceof URIError) {
    return { status: 400, body: { type: MedusaError.Types.INVALID_DATA, message: "The request path is not valid percent-encoding" } }
  }
  const type = status === 404 ? MedusaError.Types.NOT_FOUND : MedusaError.Types.INVALID_DATA
  // Only messages marked as meant for the client are passed on.
  const message = error.expose === false ? "The request could not be processed" : error.message
  return { status, body: { type, message } }
}

function serviceUnavailable(message = DATABASE_UNAVAILABLE_MESSAGE): ErrorResponse {
  return {
    status: 503,
    body: { type: MedusaError.Types.SERVICE_UNAVAILABLE, message },
    headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
  }
}

/** The status, body and headers the client sees for any error a handler or middleware raised. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (MedusaError.isMedusaError(error)) {
    // Its own message: what is unavailable (the database, the rate limit store …) and when to retry.
    if (error.type === MedusaError.Types.SERVICE_UNAVAILABLE) return serviceUnavailable(error.message)
    const status = STATUS_BY_TYPE[error.type]
    if (status === undefined) return { status: 500, body: UNKNOWN_ERROR }
    const code = error.code ?? CODE_BY_TYPE[error.type]
    return { status, body: { type: error.type, message: error.message, ...(code ? { code } : {}) } }
  }
  if (isDatabaseUnavailable(error)) return serviceUnavailable()
  const status = clientErrorStatus(error)
  if (status !== undefined) return describeClientError(error as ClientHttpError, status)
  return { status: 500, body: UNKNOWN_ERROR }
}

/** `scheme://user:password@…`, e.g. a connection string quoted in a driver's error. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s@]*@[^\s"'<>]*/gi
/** An API key token of either format (hex or base62) or a long piece of one (a token cut short or run into other text). */
const TOKEN_LIKE = /(?:sk|pk)_[0-9A-Za-z]{8,}/g

/** Text with connection-string passwords and anything token-like masked, and control characters escaped (no forged log lines). */
export function redactSecrets(message: string): string {
  return message
    .replace(URL_WITH_PASSWORD, (url) => redactUrl(url))
    .replace(TOKEN_LIKE, (token) => redactToken(token))
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
}

/**
 * A request target fit for a log line: percent-decoded where possible (so an encoded token is
 * recognised), secrets masked, control characters escaped (no forged log lines).
 */
export function describeRequestTarget(url: string): string {
  let decoded = url
  try {
    decoded = decodeURIComponent(url)
  } catch {
    // Malformed encoding: mask what is there as it is.
  }
  return redactSecrets(decoded).replace(/\n/g, "\\n")
}

/**
 * What the operator needs to find a 500: the error's name, its MedusaError type, its message with
 * secrets masked, and the stack frames. Frames are taken from the stack without its first lines,
 * which repeat the unmasked message.
 */
export function describeForLog(error: unknown): string {
  if (!(error instanceof Error)) {
    return redactSecrets(String(error))
  }
  const type = MedusaError.isMedusaError(error) ? ` (${error.type})` : ""
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line))
  const cause = error.cause !== undefined ? [`Caused by: ${describeForLog(error.cause)}`] : []
  return [`${error.name}${type}: ${redactSecrets(error.message)}`, ...frames, ...cause].join("\n")
}

/** An outage answers every request with 503: it is reported once per this many ms, not per request. */
const OUTAGE_LOG_INTERVAL_MS = 10_000

/** The last middleware: Medusa's error body, no stack traces or internals for the client. */
export function errorHandler(logger: HttpLogger): ErrorRequestHandler {
  /** When the database's outage (true) and any other 503 (false) were last logged. */
  const outageLoggedAt = new Map<boolean, number>()
  return (error, req, res, next) => {
    if (res.headersSent) {
      // Too late for a JSON body; let express end the connection.
      next(error)
      return
    }
    const { status, body, headers } = toErrorResponse(error)
    if (status === 503) {
      // An outage that its own code has already logged (the rate limit store's) is not logged again.
      const now = Date.now()
      const database = body.message === DATABASE_UNAVAILABLE_MESSAGE
      if (!isReported(error) && now - (outageLoggedAt.get(database) ?? 0) >= OUTAGE_LOG_INTERVAL_MS) {
        outageLoggedAt.set(database, now)
        logger.error(
          database
            ? `The database is unreachable: answering 503 with Retry-After ${RETRY_AFTER_SECONDS} until it is back`
            : `Answering 503 with Retry-After ${RETRY_AFTER_SECONDS}: ${redactSecrets(body.message)}`
        )
      }
    } else if (status >= 500) {
      // The method and target identify the request (tokens masked); its headers and body may
      // carry credentials and are never logged.
      logger.error(`${req.method} ${describeRequestTarget(req.originalUrl)} failed: ${describeForLog(error)}`)
    }
    if (headers) res.set(headers)
    res.status(status).json(body)
  }
}

/** Mounted after every route, so an unknown path gets the same body shape as other errors. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new MedusaError(MedusaError.Types.NOT_FOUND, `Cannot ${req.method} ${req.path}`))
}
