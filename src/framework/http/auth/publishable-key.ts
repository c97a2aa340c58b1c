import { asValue } from "awilix"
import type { RequestHandler } from "express"
import { MedusaError } from "../../modules-sdk/medusa-error"
import { Modules } from "../../modules-sdk/definitions"
import type { ApiKeyDTO } from "../../../modules/api-key/types/api-key"
import type { IApiKeyModuleService } from "../../../modules/api-key/types/service"
import { resolveSalesChannelLink } from "../../../api/sales-channel-link"

export const PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"

function notAllowed(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_ALLOWED, message)
}

/** A key revoked at or before `now` is invalid; one revoked in the future still works until then. */
function isActive(key: ApiKeyDTO, now: Date): boolean {
  return key.revoked_at === null || new Date(key.revoked_at).getTime() > now.getTime()
}

/**
 * Medusa's store guard: every /store request names a publishable key in x-publishable-api-key.
 * The key must exist, be publishable and not be revoked; the request then carries the key and
 * the sales channels it grants (`req.publishable_key_context`).
 */
export const requirePublishableKey: RequestHandler = async (req, _res, next) => {
  const token = req.get(PUBLISHABLE_KEY_HEADER)
  if (!token) {
    throw notAllowed(
      `Publishable API key required in the request header: ${PUBLISHABLE_KEY_HEADER}. You can manage your keys in settings in the dashboard.`
    )
  }
  const apiKeyService: IApiKeyModuleService = req.scope.resolve(Modules.API_KEY)
  // A secret token never matches: secret keys store a hash, and the type filter excludes them.
  const [key] = await apiKeyService.listApiKeys({ token, type: "publishable" }, { take: 1 })
  if (!key || !isActive(key, new Date())) {
    throw notAllowed("A valid publishable key is required to proceed with the request")
  }
  const link = resolveSalesChannelLink(req.scope)
  const sales_channel_ids = link ? ((await link.listSalesChannelIds([key.id]))[key.id] ?? []) : []
  req.publishable_key_context = { key: key.token, sales_channel_ids }
  req.scope.register({ publishable_key_context: asValue(req.publishable_key_context) })
  next()
}
