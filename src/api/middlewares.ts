import type { RequestHandler } from "express"
import { defineMiddlewares } from "../framework/http/middlewares"
import { validateBody, validateQuery } from "../framework/http/validation"
import { MedusaError } from "../framework/modules-sdk/medusa-error"
import {
  AdminBatchSalesChannels,
  AdminCreateApiKeyWithAdditionalData,
  AdminGetApiKeyHistoryParams,
  AdminGetApiKeyParams,
  AdminGetApiKeysParams,
  AdminRevokeApiKey,
  AdminRollApiKey,
  AdminUpdateApiKeyWithAdditionalData,
} from "./admin/api-keys/validators"
import {
  AdminCreateSalesChannel,
  AdminGetSalesChannelParams,
  AdminGetSalesChannelsParams,
  AdminUpdateSalesChannel,
} from "./admin/sales-channels/validators"
import { hasSalesChannels } from "./utils"

/** The sales channel routes exist only in an app that runs the sales channel module. */
const requireSalesChannelModule: RequestHandler = (req, _res, next) => {
  if (!hasSalesChannels(req.scope)) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Cannot ${req.method} ${req.originalUrl.split("?")[0]}`)
  next()
}

const oneKey = validateQuery(AdminGetApiKeyParams)
const oneChannel = validateQuery(AdminGetSalesChannelParams)

/** The built-in routes' validators and guards, by route, as Medusa's own api/middlewares.ts lists them. */
export default defineMiddlewares({
  routes: [
    { method: "GET", matcher: "/admin/api-keys", middlewares: [validateQuery(AdminGetApiKeysParams)] },
    { method: "POST", matcher: "/admin/api-keys", middlewares: [validateBody(AdminCreateApiKeyWithAdditionalData)] },
    { method: "GET", matcher: "/admin/api-keys/:id", middlewares: [oneKey] },
    { method: "POST", matcher: "/admin/api-keys/:id", middlewares: [oneKey, validateBody(AdminUpdateApiKeyWithAdditionalData)] },
    { method: "POST", matcher: "/admin/api-keys/:id/revoke", middlewares: [oneKey, validateBody(AdminRevokeApiKey)] },
    { method: "POST", matcher: "/admin/api-keys/:id/roll", middlewares: [validateBody(AdminRollApiKey)] },
    { method: "GET", matcher: "/admin/api-keys/:id/history", middlewares: [validateQuery(AdminGetApiKeyHistoryParams)] },
    { method: "POST", matcher: "/admin/api-keys/:id/sales-channels", middlewares: [oneKey, validateBody(AdminBatchSalesChannels)] },
    { matcher: "/admin/sales-channels", middlewares: [requireSalesChannelModule] },
    { matcher: "/store/sales-channels", middlewares: [requireSalesChannelModule] },
    { method: "GET", matcher: "/store/sales-channels", middlewares: [oneChannel] },
    { method: "GET", matcher: "/admin/sales-channels", middlewares: [validateQuery(AdminGetSalesChannelsParams)] },
    { method: "POST", matcher: "/admin/sales-channels", middlewares: [oneChannel, validateBody(AdminCreateSalesChannel)] },
    { method: "GET", matcher: "/admin/sales-channels/:id", middlewares: [oneChannel] },
    { method: "POST", matcher: "/admin/sales-channels/:id", middlewares: [oneChannel, validateBody(AdminUpdateSalesChannel)] },
  ],
})
