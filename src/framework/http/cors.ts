import type { NextFunction, Request, RequestHandler, Response } from "express"

/**
 * CORS as Medusa configures it: `projectConfig.http.storeCors` for /store and `adminCors` for
 * /admin, each a comma-separated list of origins, where an entry written as `/pattern/` is a
 * regular expression (`/https:\/\/.*\.example\.com/`). An allowed origin is echoed back with
 * credentials allowed; a preflight (OPTIONS) is answered here, before any authentication, as
 * browsers send it without credentials. A request from another origin gets no CORS headers, so
 * the browser keeps its answer from the page.
 *
 * `preflightAlso` widens preflights only: a preflight carries no credentials, so the host may
 * grant it to origins it will check per credential on the real request (the store grants origins
 * some publishable key lists, and checks the key's own list when the request comes).
 */

/** Whether a preflight from `origin`, which the configured list does not allow, is granted anyway. */
export type PreflightOriginCheck = (req: Request, origin: string) => boolean | Promise<boolean>

/** Medusa's starter defaults: a storefront on :8000, the dashboard's dev server on :5173 and :9000. */
export const DEFAULT_STORE_CORS = "http://localhost:8000"
export const DEFAULT_ADMIN_CORS = "http://localhost:5173,http://localhost:9000"

const ALLOWED_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"
const PREFLIGHT_MAX_AGE_SECONDS = "600"

export function parseCorsOrigins(list: string): (string | RegExp)[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => (entry.length > 2 && entry.startsWith("/") && entry.endsWith("/") ? new RegExp(`^${entry.slice(1, -1)}$`) : entry.replace(/\/$/, "")))
}

function allows(origins: (string | RegExp)[], origin: string): boolean {
  return origins.some((allowed) => (typeof allowed === "string" ? allowed === "*" || allowed === origin : allowed.test(origin)))
}

export function cors(list: string, preflightAlso?: PreflightOriginCheck): RequestHandler {
  const origins = parseCorsOrigins(list)
  return (req, res, next) => {
    const origin = req.get("origin")
    res.vary("Origin")
    const preflight = req.method === "OPTIONS" && !!req.get("access-control-request-method")
    if (origin && allows(origins, origin)) return grant(req, res, next, origin, preflight)
    // Only a preflight from an origin outside the list waits for the host's own check.
    if (origin && preflight && preflightAlso) {
      return Promise.resolve(preflightAlso(req, origin)).then((granted) => (granted ? grant(req, res, next, origin, true) : refuse(res, next, true)))
    }
    refuse(res, next, preflight)
  }
}

/** No CORS headers: the browser keeps the answer from the page (and a preflight fails). */
function refuse(res: Response, next: NextFunction, preflight: boolean): void {
  if (preflight) {
    res.status(204).end()
    return
  }
  next()
}

function grant(req: Request, res: Response, next: NextFunction, origin: string, preflight: boolean): void {
  res.set({ "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true" })
  if (!preflight) {
    next()
    return
  }
  res.set({
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": req.get("access-control-request-headers") ?? "",
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
  })
  res.vary("Access-Control-Request-Headers")
  res.status(204).end()
}
