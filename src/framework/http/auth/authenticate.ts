import type { RequestHandler } from "express"
import { MedusaError } from "../../modules-sdk/medusa-error"
import { Modules } from "../../modules-sdk/definitions"
import { setAuthContext } from "../request-scope"
import { holdRateLimit, type KeyWithRateLimit } from "./rate-limit"

const SECRET_PREFIX = "sk_"

/** What this middleware needs of the API key module. */
interface SecretKeyAuthenticator {
  authenticate(token: string): Promise<(KeyWithRateLimit & { scopes?: string[] | null }) | false>
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

/** Medusa's auth types. This host has no auth or user module, so only "api-key" can succeed. */
export type AuthType = "session" | "bearer" | "api-key"
const AUTH_TYPES: readonly AuthType[] = ["session", "bearer", "api-key"]

export interface AuthenticateOptions {
  /** Let a request without (valid) credentials through, without an auth_context. */
  allowUnauthenticated?: boolean
  /** Accepted for Medusa compatibility; a secret key is always a registered actor. */
  allowUnregistered?: boolean
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value]
}

/**
 * Medusa's `authenticate(actorType, authType, options)` middleware factory, for an app's
 * `src/api/middlewares.ts`. A secret API key (`authType` includes "api-key") authenticates as
 * actor type "api-key" whatever actor types the route names, as in Medusa, where
 * `authenticate("user", ["session", "bearer", "api-key"])` lets secret keys through. Sessions
 * and user bearer tokens need Medusa's auth module, which this host does not run, so a route
 * that allows neither "api-key" nor unauthenticated callers is refused when it is declared
 * rather than answering 401 to everyone.
 */
export function authenticate(actorType: string | string[], authType: AuthType | AuthType[], options: AuthenticateOptions = {}): RequestHandler {
  const actorTypes = asList(actorType)
  const authTypes = asList(authType)
  if (!actorTypes.length || actorTypes.some((type) => typeof type !== "string" || !type)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `authenticate: actorType must be a non-empty string or list of strings, such as "user" or "*"; got ${JSON.stringify(actorType)}`)
  }
  const unknown = authTypes.filter((type) => !AUTH_TYPES.includes(type))
  if (!authTypes.length || unknown.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `authenticate: authType must be one or more of ${AUTH_TYPES.join(", ")}; got ${JSON.stringify(authType)}`)
  }
  const acceptsApiKey = authTypes.includes("api-key")
  if (!acceptsApiKey && !options.allowUnauthenticated) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `authenticate(${JSON.stringify(actorType)}, ${JSON.stringify(authType)}): this host authenticates secret API keys only; add "api-key" to the auth types or allowUnauthenticated: true`
    )
  }

  return async (req, _res, next) => {
    const token = acceptsApiKey ? extractSecretToken(req.get("authorization")) : null
    const key = token ? await req.scope.resolve<SecretKeyAuthenticator>(Modules.API_KEY).authenticate(token) : false
    if (key) {
      // Scopes only when the key is limited: an unlimited key's context reads exactly as Medusa's.
      setAuthContext(req, { actor_id: key.id, actor_type: "api-key", auth_identity_id: "", ...(key.scopes ? { scopes: key.scopes } : {}) })
      // Counted once the request is also authorized (see holdRateLimit): never for a 401 or a 403.
      holdRateLimit(req, key)
    } else if (!options.allowUnauthenticated) {
      throw unauthorized()
    }
    next()
  }
}

/**
 * Admin authentication, as Medusa guards /admin: the caller must present a valid, unrevoked
 * secret API key; it becomes the request's actor. The header is never logged, and every failure
 * reads the same (401 "Unauthorized"), so a response does not tell a guesser which part was wrong.
 */
export const authenticateAdmin: RequestHandler = authenticate("user", ["session", "bearer", "api-key"])
