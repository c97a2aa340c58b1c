import type { RequestHandler } from "express"
import { MedusaError } from "../../modules-sdk/medusa-error"
import { Modules } from "../../modules-sdk/definitions"
import { setAuthContext } from "../request-scope"

const SECRET_PREFIX = "sk_"

/** What this middleware needs of the API key module. */
interface SecretKeyAuthenticator {
  authenticate(token: string): Promise<{ id: string } | false>
}

/**
 * The secret token in an Authorization header, or null. Accepted, as Medusa accepts them:
 * `Basic base64("sk_…:")` (what `curl -u sk_…:` sends), `Basic sk_…` with the token unencoded
 * (with or without the trailing colon); and this project's `Bearer sk_…`. Anything else —
 * another scheme, a publishable key, garbage — is null, and costs no database work.
 */
export function extractSecretToken(header: string | undefined): string | null {
  if (!header) return null
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header)
  if (!match) return null
  const scheme = match[1].toLowerCase()
  const credentials = match[2]
  let token: string
  if (scheme === "bearer") {
    token = credentials
  } else if (scheme === "basic") {
    token = credentials.startsWith(SECRET_PREFIX) ? credentials : Buffer.from(credentials, "base64").toString("utf8")
    // Basic credentials are "user:password"; the token is the user and the password is empty.
    if (token.endsWith(":")) token = token.slice(0, -1)
  } else {
    return null
  }
  return token.startsWith(SECRET_PREFIX) ? token : null
}

function unauthorized(): MedusaError {
  return new MedusaError(MedusaError.Types.UNAUTHORIZED, "Unauthorized")
}

/**
 * Admin authentication: the caller must present a valid, unrevoked secret API key; it becomes
 * the request's actor. The header is never logged, and every failure reads the same (401
 * "Unauthorized"), so a response does not tell a guesser which part was wrong.
 */
export const authenticateAdmin: RequestHandler = async (req, _res, next) => {
  const token = extractSecretToken(req.get("authorization"))
  if (!token) throw unauthorized()
  const apiKeyService = req.scope.resolve<SecretKeyAuthenticator>(Modules.API_KEY)
  const key = await apiKeyService.authenticate(token)
  if (!key) throw unauthorized()
  setAuthContext(req, { actor_id: key.id, actor_type: "api-key", auth_identity_id: "" })
  next()
}
