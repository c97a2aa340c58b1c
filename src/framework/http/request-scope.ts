import { randomUUID } from "node:crypto"
import { asValue, type AwilixContainer } from "awilix"
import type { RequestHandler } from "express"
import type { AuthContext } from "./types"

/**
 * Gives each request its own awilix scope of the app container, so request values (the caller,
 * the request id) can be registered without leaking into other requests; singletons such as the
 * module services resolve from it as from the root.
 */
export function requestScope(container: AwilixContainer): RequestHandler {
  return (req, res, next) => {
    const scope = container.createScope()
    const requestId = acceptRequestId(req.get("x-request-id")) ?? randomUUID()
    scope.register({
      request_id: asValue(requestId),
      auth_context: asValue(undefined),
      publishable_key_context: asValue(undefined),
    })
    req.scope = scope
    res.setHeader("x-request-id", requestId)
    next()
  }
}

/** A caller's request id is echoed back only when it is short and plain. */
function acceptRequestId(value: string | undefined): string | undefined {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined
}

/** Records the authenticated caller on the request and in its scope. */
export function setAuthContext(req: { scope: AwilixContainer; auth_context?: AuthContext }, context: AuthContext): void {
  req.auth_context = context
  req.scope.register({ auth_context: asValue(context) })
}
