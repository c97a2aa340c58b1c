import type { AwilixContainer } from "awilix"
import type { Request, Response } from "express"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { originAllowed } from "../../modules/api-key"
import type { PublishableKeyRecord } from "./publishable-key-contexts"
import { PUBLISHABLE_KEY_ORIGINS, PublishableKeyOrigins } from "./publishable-key-origins"

/**
 * A publishable key's `allowed_origins` on the store API. Only browsers send `Origin`, so a
 * request without one (a server, a script) is never affected, and a key without the setting
 * keeps Medusa's behaviour: storeCors alone decides the CORS headers.
 */

/** Long enough for any real origin; a hostile header is cut rather than echoed whole. */
const MAX_ORIGIN_IN_MESSAGE = 255

/**
 * Run by the store guard once the key is known to be active. An allowed origin gets the store's
 * CORS grant (even when storeCors does not list it: the key's own list is the narrower, explicit
 * rule); any other origin gets 403 and no CORS grant, whatever storeCors allowed.
 */
export function checkAllowedOrigin(req: Request, res: Response, key: PublishableKeyRecord): void {
  const origin = req.get("origin")
  if (origin === undefined || key.allowed_origins === null) return
  if (originAllowed(key.allowed_origins, origin)) {
    res.vary("Origin")
    res.set({ "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true" })
    return
  }
  res.removeHeader("Access-Control-Allow-Origin")
  res.removeHeader("Access-Control-Allow-Credentials")
  const shown = origin.length > MAX_ORIGIN_IN_MESSAGE ? `${origin.slice(0, MAX_ORIGIN_IN_MESSAGE)}…` : origin
  throw new MedusaError(
    MedusaError.Types.FORBIDDEN,
    `Origin ${shown} is not allowed for this publishable API key; add it to the key's allowed_origins to use the key from that site`
  )
}

const UNCACHED = new PublishableKeyOrigins(false, undefined)

function originsOf(scope: AwilixContainer): PublishableKeyOrigins {
  return scope.hasRegistration(PUBLISHABLE_KEY_ORIGINS) ? scope.resolve<PublishableKeyOrigins>(PUBLISHABLE_KEY_ORIGINS) : UNCACHED
}

/** The store's preflight rule beyond storeCors: some active publishable key lists the origin (see PublishableKeyOrigins). */
export function preflightListedByAKey(req: Request, origin: string): Promise<boolean> {
  return originsOf(req.scope).anyKeyAllows(req.scope, origin)
}
