import { asValue, type AwilixContainer } from "awilix"
import type { RequestHandler } from "express"
import { enforceKeyRateLimit } from "../../framework/http/auth/rate-limit"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { failsTokenChecksum, isActiveApiKey } from "../../modules/api-key"
import { checkAllowedOrigin } from "./allowed-origins"
import { PUBLISHABLE_KEY_CONTEXTS, PublishableKeyContexts } from "./publishable-key-contexts"

export const PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"

const INVALID_KEY = "A valid publishable key is required to proceed with the request"

function notAllowed(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_ALLOWED, message)
}

/** The app's cache of key contexts when the host registered one, else a reader without memory. */
function contextsOf(scope: AwilixContainer): PublishableKeyContexts {
  return scope.hasRegistration(PUBLISHABLE_KEY_CONTEXTS) ? scope.resolve<PublishableKeyContexts>(PUBLISHABLE_KEY_CONTEXTS) : UNCACHED
}

const UNCACHED = new PublishableKeyContexts(false, undefined)

/**
 * Medusa's store guard: every /store request names a publishable key in x-publishable-api-key.
 * The key must exist, be publishable and be active; the request then carries the key and the
 * sales channels it grants (`req.publishable_key_context`). A secret token never matches: secret
 * keys store a hash, and a token filter only ever matches publishable keys. A browser's request
 * must come from one of the key's allowed origins when it has a list (see allowed-origins.ts).
 */
export const requirePublishableKey: RequestHandler = async (req, res, next) => {
  const token = req.get(PUBLISHABLE_KEY_HEADER)
  if (!token) {
    throw notAllowed(
      `Publishable API key required in the request header: ${PUBLISHABLE_KEY_HEADER}. You can manage your keys in settings in the dashboard.`
    )
  }
  // A checksummed token whose checksum fails is a typo or a guess: refused before the cache or
  // the database is asked (tokens of other shapes are still looked up, as Medusa's guard does).
  if (failsTokenChecksum(token)) throw notAllowed(INVALID_KEY)
  const found = await contextsOf(req.scope).find(req.scope, token)
  if (!found || !isActiveApiKey(found)) {
    throw notAllowed(INVALID_KEY)
  }
  checkAllowedOrigin(req, res, found)
  // A copy per request: route code may change its context without touching the cached record.
  req.publishable_key_context = { key: found.token, sales_channel_ids: [...found.sales_channel_ids] }
  req.scope.register({ publishable_key_context: asValue(req.publishable_key_context) })
  // Last, once the key is accepted: a refused request never counts. A publishable key's limit is
  // shared by every shopper using it (it is one storefront's key).
  await enforceKeyRateLimit(req, res, found)
  next()
}
