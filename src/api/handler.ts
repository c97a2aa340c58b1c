import type { Request, RequestHandler } from "express"
import type { MedusaResponse } from "../framework/http/types"

/**
 * Lets a handler declare the request it expects (validated body/query, auth context) while
 * express sees a plain RequestHandler. The middlewares in front of it guarantee those fields.
 */
export function handler<R>(fn: (req: R, res: MedusaResponse) => Promise<void> | void): RequestHandler {
  return (req, res) => fn(req as unknown as R, res)
}

/** A path parameter as one string (express 5 types wildcard parameters as arrays). */
export function pathParam(req: Request, name: string): string {
  const value = req.params[name]
  return Array.isArray(value) ? value.join("/") : value
}
