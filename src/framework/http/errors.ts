import type { ErrorRequestHandler, RequestHandler } from "express"
import { redactUrl } from "../modules-sdk/database"
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
  [MedusaError.Types.CONFLICT]: 409,
  [MedusaError.Types.DUPLICATE_ERROR]: 422,
  [MedusaError.Types.DB_ERROR]: 500,
  // Medusa keeps the type and message of an unexpected state and answers 500.
  [MedusaError.Types.UNEXPECTED_STATE]: 500,
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

/**
 * Errors raised by express's body parser (http-errors): `type` says what went wrong with the
 * request body; their messages describe the client's input, so they are safe to send back.
 */
interface BodyParserError {
  type: string
  status: number
  expose?: boolean
  message: string
  limit?: number
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const e = error as BodyParserError | null
  return !!e && typeof e.type === "string" && typeof e.status === "number" && e.type.includes(".")
}

function describeBodyParserError(error: BodyParserError): { status: number; body: ErrorResponseBody } {
  switch (error.type) {
    case "entity.parse.failed":
      return {
        status: 400,
        body: { type: MedusaError.Types.INVALID_DATA, message: `The request body is not valid JSON: ${error.message}` },
      }
    case "entity.too.large":
      return {
        status: 413,
        body: {
          type: MedusaError.Types.INVALID_DATA,
          message: `The request body is larger than the limit of ${error.limit ?? "the server's"} bytes`,
        },
      }
    default:
      // Unsupported charset/encoding (415), aborted request (400) …: the status is the parser's.
      if (error.status >= 400 && error.status < 500 && error.expose !== false) {
        return { status: error.status, body: { type: MedusaError.Types.INVALID_DATA, message: error.message } }
      }
      return { status: 500, body: UNKNOWN_ERROR }
  }
}

/** The status and body the client sees for any error a handler or middleware raised. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorResponseBody } {
  if (MedusaError.isMedusaError(error)) {
    const status = STATUS_BY_TYPE[error.type]
    if (status === undefined) {
      return { status: 500, body: UNKNOWN_ERROR }
    }
    const code = error.code ?? CODE_BY_TYPE[error.type]
    return { status, body: { type: error.type, message: error.message, ...(code ? { code } : {}) } }
  }
  if (isBodyParserError(error)) {
    return describeBodyParserError(error)
  }
  return { status: 500, body: UNKNOWN_ERROR }
}

/** `scheme://user:password@…`, e.g. a connection string quoted in a driver's error. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s@]*@[^\s"'<>]*/gi
/** A raw API key token, e.g. one a handler put in an error message. */
const RAW_TOKEN = /\b(?:sk|pk)_[0-9a-f]{64}\b/g

/** An error message with connection-string passwords and raw tokens masked. */
export function redactSecrets(message: string): string {
  return message.replace(URL_WITH_PASSWORD, (url) => redactUrl(url)).replace(RAW_TOKEN, (token) => redactToken(token))
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
  return [`${error.name}${type}: ${redactSecrets(error.message)}`, ...frames].join("\n")
}

/** The last middleware: Medusa's error body, no stack traces or internals for the client. */
export function errorHandler(logger: HttpLogger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      // Too late for a JSON body; let express end the connection.
      next(error)
      return
    }
    const { status, body } = toErrorResponse(error)
    if (status >= 500) {
      // The method and path (no query string) identify the request; its headers and body may
      // carry credentials and are never logged.
      logger.error(`${req.method} ${req.path} failed: ${describeForLog(error)}`)
    }
    res.status(status).json(body)
  }
}

/** Mounted after every route, so an unknown path gets the same body shape as other errors. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new MedusaError(MedusaError.Types.NOT_FOUND, `Cannot ${req.method} ${req.path}`))
}
