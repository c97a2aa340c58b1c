import type { Request, RequestHandler } from "express"
import { Modules } from "../../modules-sdk/definitions"
import { MedusaError } from "../../modules-sdk/medusa-error"
import type { CheckedAtStartup } from "../middlewares"
import type { MedusaContainer } from "../types"
import { countHeldRateLimit } from "./rate-limit"
import { hasFullAccess, parseScope, scopesAllow } from "./scopes"

/** What authorize needs of the API key module: the scopes a key may hold. */
interface ScopeRegistry {
  knownScopes(): string[]
}

export type AuthorizeMiddleware = RequestHandler & CheckedAtStartup & { readonly scope: string }

/** "POST /admin/api-keys/:id/roll": the route as declared when express knows it, else the path requested. */
function describeRoute(req: Request): string {
  const declared = typeof req.route?.path === "string" ? req.route.path : undefined
  return `${req.method} ${declared ?? req.originalUrl.split("?")[0]}`
}

/**
 * `authorize("resource:action")`: the route needs that scope. A secret API key with scopes that do
 * not allow it gets 403 `forbidden`, naming the scope and the route; a key without scopes (full
 * access, as in Medusa) and callers that scopes do not govern pass. Put it after authentication
 * (every /admin route is authenticated before its middlewares run); a request with no caller at
 * all is 401. The scope must be one the API key module knows (built in, or in its `customScopes`
 * option): an unknown one stops the server at start-up, so a typo cannot lock every key out.
 */
export function authorize(scope: string): AuthorizeMiddleware {
  const parsed = typeof scope === "string" ? parseScope(scope) : null
  if (!parsed || parsed.action === "*") {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `authorize expects the one scope a route needs, as "resource:action" in lower case (e.g. "report:read"); got ${JSON.stringify(scope)}`
    )
  }
  const handler: RequestHandler = (req, res, next) => {
    const context = req.auth_context
    if (!context) throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "Unauthorized")
    if (!scopesAllow(context.scopes, scope)) {
      throw new MedusaError(MedusaError.Types.FORBIDDEN, `This API key lacks the scope "${scope}" needed for ${describeRoute(req)}`)
    }
    ;(req.authorized_scopes ??= []).push(scope)
    const counting = countHeldRateLimit(req, res)
    if (counting) return counting.then(() => next())
    next()
  }
  return Object.assign(handler, {
    scope,
    checkAtStartup(container: MedusaContainer, where: string) {
      // Without the API key module there are no keys, hence no scopes to check against.
      if (!container.hasRegistration(Modules.API_KEY)) return
      const registry = container.resolve<Partial<ScopeRegistry>>(Modules.API_KEY)
      if (typeof registry.knownScopes !== "function") return
      const known = registry.knownScopes()
      if (!known.includes(scope)) {
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          `authorize("${scope}") in ${where}: the API key module knows no scope "${scope}"; add it to the module's customScopes option in medusa-config.js (known: ${known.join(", ")})`
        )
      }
    },
  })
}

/**
 * Called just before a file route's handler: a key limited by scopes may only reach routes that
 * declare what they need. A route without `authorize(...)` cannot say whether the key's scopes
 * cover it, so it is refused rather than treated as open (keys without scopes, `*` keys and callers
 * that scopes do not govern are unaffected).
 */
export function assertScopeDeclared(req: Request): void {
  const scopes = req.auth_context?.scopes
  if (hasFullAccess(scopes) || req.authorized_scopes?.length) return
  throw new MedusaError(
    MedusaError.Types.FORBIDDEN,
    `${describeRoute(req)} declares no scope, so API keys with limited scopes cannot call it; declare the scope it needs with authorize("resource:action") in src/api/middlewares.ts`
  )
}
