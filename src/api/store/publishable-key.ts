import { asValue } from "awilix"
import type { RequestHandler } from "express"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { isActiveApiKey } from "../../modules/api-key"
import { apiKeyService, hasSalesChannels, queryService } from "../utils"

export const PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"

function notAllowed(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_ALLOWED, message)
}

/** The key with this token and the ids of the sales channels it grants, read through Query. */
async function findPublishableKey(scope: Parameters<typeof queryService>[0], token: string) {
  const filters = { token, type: "publishable" as const }
  if (!hasSalesChannels(scope)) {
    const [key] = await apiKeyService(scope).listApiKeys(filters, { select: ["id", "token", "type", "revoked_at"], take: 1 })
    return key ? { key, sales_channel_ids: [] as string[] } : undefined
  }
  const { data } = await queryService(scope).graph({ entity: "api_key", fields: ["id", "token", "type", "revoked_at", "sales_channels.id"], filters })
  const key = data[0]
  return key ? { key, sales_channel_ids: (key.sales_channels as { id: string }[]).map((c) => c.id) } : undefined
}

/**
 * Medusa's store guard: every /store request names a publishable key in x-publishable-api-key.
 * The key must exist, be publishable and be active; the request then carries the key and the
 * sales channels it grants (`req.publishable_key_context`). A secret token never matches: secret
 * keys store a hash, and a token filter only ever matches publishable keys.
 */
export const requirePublishableKey: RequestHandler = async (req, _res, next) => {
  const token = req.get(PUBLISHABLE_KEY_HEADER)
  if (!token) {
    throw notAllowed(
      `Publishable API key required in the request header: ${PUBLISHABLE_KEY_HEADER}. You can manage your keys in settings in the dashboard.`
    )
  }
  const found = await findPublishableKey(req.scope, token)
  if (!found || !isActiveApiKey(found.key as { revoked_at: Date | null })) {
    throw notAllowed("A valid publishable key is required to proceed with the request")
  }
  req.publishable_key_context = { key: found.key.token as string, sales_channel_ids: found.sales_channel_ids }
  req.scope.register({ publishable_key_context: asValue(req.publishable_key_context) })
  next()
}
