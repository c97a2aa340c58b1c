import type { AuthenticatedMedusaRequest } from "../../../framework/http"
import { describeScopes, hasFullAccess, scopesWithin } from "../../../framework/http/auth/scopes"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { ApiKeyType } from "../../../modules/api-key"

/**
 * No widening: a key limited by scopes can never get hold of more power than its own through the
 * key routes — not by creating a key (its token is in the response), not by giving a key wider
 * scopes, not by rolling a wider key (the successor's token is in the response). Only secret keys
 * carry scopes; publishable keys reach the store API only, so they widen nothing. A caller with
 * full access (no scopes, or `*`) passes without any extra work.
 */

function callerScopes(req: AuthenticatedMedusaRequest): string[] | null | undefined {
  return req.auth_context?.scopes
}

/** What of `requested` the caller does not hold: "full access", or the scopes beyond its own. */
function beyondCaller(req: AuthenticatedMedusaRequest, requested: readonly string[] | null | undefined): string {
  if (hasFullAccess(requested)) return "full access"
  return requested!.filter((scope) => !scopesWithin([scope], callerScopes(req))).join(", ")
}

function forbidden(req: AuthenticatedMedusaRequest, message: string): never {
  throw new MedusaError(MedusaError.Types.FORBIDDEN, `This API key (scopes: ${describeScopes(callerScopes(req))}) ${message}`)
}

/** Whether the caller is limited: the routes read the target key only then. */
export function callerIsLimited(req: AuthenticatedMedusaRequest): boolean {
  return !hasFullAccess(callerScopes(req))
}

/** A secret key created with `scopes` (absent or null: full access). */
export function assertCreateWithinCaller(req: AuthenticatedMedusaRequest, type: string, scopes: string[] | null | undefined): void {
  if (type !== ApiKeyType.SECRET || !callerIsLimited(req) || scopesWithin(scopes, callerScopes(req))) return
  forbidden(req, `cannot create a key with wider scopes than its own (${beyondCaller(req, scopes)}); give the new key scopes within this key's`)
}

/** A key (`target`) given new `scopes` (null: full access); undefined leaves them as they are. */
export function assertUpdateWithinCaller(req: AuthenticatedMedusaRequest, target: { id: string; type: string }, scopes: string[] | null | undefined): void {
  if (scopes === undefined || target.type !== ApiKeyType.SECRET || !callerIsLimited(req) || scopesWithin(scopes, callerScopes(req))) return
  forbidden(req, `cannot give key ${target.id} wider scopes than its own (${beyondCaller(req, scopes)}); give it scopes within this key's`)
}

/** Rolling `target` hands the caller a new token with the target's scopes. */
export function assertRollWithinCaller(req: AuthenticatedMedusaRequest, target: { id: string; type: string; scopes?: string[] | null }): void {
  if (target.type !== ApiKeyType.SECRET || !callerIsLimited(req) || scopesWithin(target.scopes, callerScopes(req))) return
  forbidden(req, `cannot roll key ${target.id}: its scopes are wider than this key's (${beyondCaller(req, target.scopes)}), and a roll returns the new key's token; roll it with a key that holds its scopes`)
}
