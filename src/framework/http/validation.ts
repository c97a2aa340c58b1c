import type { Request, RequestHandler } from "express"
import { z } from "zod"
import { MedusaError } from "../modules-sdk/medusa-error"

type Issue = z.ZodError["issues"][number]

function fieldName(path: PropertyKey[]): string {
  // Query operator maps read back as the client wrote them: created_at[$gt].
  return path.map((part, i) => (i === 0 ? String(part) : `[${String(part)}]`)).join("")
}

/** How zod names a received value's type: "string", "number", "NaN", "array", "null", "undefined" … */
function receivedType(input: unknown): string {
  if (input === null) return "null"
  if (Array.isArray(input)) return "array"
  if (typeof input === "number" && Number.isNaN(input)) return "NaN"
  if (input instanceof Date) return "date"
  return typeof input
}

function describeIssue(issue: Issue): string {
  const field = fieldName(issue.path)
  if (issue.code === "unrecognized_keys") {
    const where = field ? ` in '${field}'` : ""
    return `Unrecognized fields${where}: ${issue.keys.map((k) => `'${k}'`).join(", ")}`
  }
  if (issue.code === "invalid_type") {
    // Parsed with reportInput, so the issue carries what was received (zod's structured data, not its wording).
    const received = receivedType((issue as { input?: unknown }).input)
    if (issue.expected === "int" || received === "NaN") {
      const what = issue.expected === "int" ? "a whole number" : "a number"
      return field ? `Expected ${what} for field '${field}'` : `Expected ${what}`
    }
    if (received === "undefined") {
      return field ? `Field '${field}' is required` : `Expected a ${issue.expected}`
    }
    const got = `, got: '${received}'`
    return field ? `Expected type: '${issue.expected}' for field '${field}'${got}` : `Expected a ${issue.expected}${got}`
  }
  return field ? `Invalid value for field '${field}': ${issue.message}` : issue.message
}

/** One `invalid_data` error naming every problem, worded as Medusa's validator words them. */
export function toValidationError(error: z.ZodError): MedusaError {
  const problems = error.issues.map(describeIssue)
  return new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${problems.join("; ")}`)
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true })
  if (!result.success) throw toValidationError(result.error)
  return result.data
}

/** True when the request carries a body, whatever its content type. */
function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0
}

/** A body schema that depends on the app's `additional_data` schema for the route (see WithAdditionalData). */
export type BodySchemaFactory = (additionalDataValidator?: z.ZodType) => z.ZodType

/**
 * Medusa's `WithAdditionalData`: the route's body schema plus an `additional_data` field, which the
 * route passes to its workflow (and so to the workflow's hooks). Without an app validator it is
 * any JSON object (or null/absent); with one (`additionalDataValidator` in the app's
 * middlewares) it is exactly that.
 */
export function WithAdditionalData<T extends z.ZodObject>(schema: T): BodySchemaFactory {
  return (additionalDataValidator) => schema.extend({ additional_data: additionalDataValidator ?? z.looseObject({}).nullish() })
}

/**
 * Validates the JSON body into `req.validatedBody`. A request without a body counts as `{}`, so
 * routes whose fields are all optional (revoke) can be called bare; a body express did not parse
 * (not JSON) is refused rather than silently treated as empty. A factory (WithAdditionalData)
 * receives the app's `additional_data` schema for the route, as Medusa's validateAndTransformBody does.
 */
export function validateBody(schema: z.ZodType | BodySchemaFactory): RequestHandler {
  return (req, _res, next) => {
    if (req.body === undefined && hasBody(req)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "The request body must be JSON: send it with the header Content-Type: application/json"
      )
    }
    const bodySchema = typeof schema === "function" ? schema(req.additionalDataValidator) : schema
    req.validatedBody = parseOrThrow(bodySchema, req.body ?? {})
    next()
  }
}

/** Validates the query string (parsed by qs, so `created_at[$gt]=…` is an object). */
export function validateQuery(schema: z.ZodType): RequestHandler {
  return (req, _res, next) => {
    req.validatedQuery = parseOrThrow(schema, req.query ?? {})
    next()
  }
}
