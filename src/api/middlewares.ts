import type { RequestHandler } from "express"
import { authorize } from "../framework/http/auth/authorize"
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

// The scope each built-in admin route needs (README "Scopes" has the table): reads need
// `<resource>:read`, every write `<resource>:write`. authorize comes first, so a key without the
// scope learns that before anything about its input.
const readKeys = authorize("api_key:read")
const writeKeys = authorize("api_key:write")
const readChannels = authorize("sales_channel:read")
const writeChannels = authorize("sales_channel:write")

/** The built-in routes' scopes, validators and guards, by route, as Medusa's own api/middlewares.ts lists them. */
export default defineMiddlewares({
  routes: [
    { method: "GET", matcher: "/admin/api-keys", middlewares: [readKeys, validateQuery(AdminGetApiKeysParams)] },
    { method: "POST", matcher: "/admin/api-keys", middlewares: [writeKeys, validateBody(AdminCreateApiKeyWithAdditionalData)] },
    { method: "GET", matcher: "/admin/api-keys/:id", middlewares: [readKeys, oneKey] },
    { method: "POST", matcher: "/admin/api-keys/:id", middlewares: [writeKeys, oneKey, validateBody(AdminUpdateApiKeyWithAdditionalData)] },
    { method: "DELETE", matcher: "/admin/api-keys/:id", middlewares: [writeKeys] },
    { method: "POST", matcher: "/admin/api-keys/:id/revoke", middlewares: [writeKeys, oneKey, validateBody(AdminRevokeApiKey)] },
    { method: "POST", matcher: "/admin/api-keys/:id/roll", middlewares: [writeKeys, validateBody(AdminRollApiKey)] },
    { method: "GET", matcher: "/admin/api-keys/:id/history", middlewares: [readKeys, validateQuery(AdminGetApiKeyHistoryParams)] },
    { method: "POST", matcher: "/admin/api-keys/:id/sales-channels", middlewares: [writeKeys, oneKey, validateBody(AdminBatchSalesChannels)] },
    { matcher: "/admin/sales-channels", middlewares: [requireSalesChannelModule] },
    { matcher: "/store/sales-channels", middlewares: [requireSalesChannelModule] },
    { method: "GET", matcher: "/store/sales-channels", middlewares: [oneChannel] },
    { method: "GET", matcher: "/admin/sales-channels", middlewares: [readChannels, validateQuery(AdminGetSalesChannelsParams)] },
    { method: "POST", matcher: "/admin/sales-channels", middlewares: [writeChannels, oneChannel, validateBody(AdminCreateSalesChannel)] },
    { method: "GET", matcher: "/admin/sales-channels/:id", middlewares: [readChannels, oneChannel] },
    { method: "POST", matcher: "/admin/sales-channels/:id", middlewares: [writeChannels, oneChannel, validateBody(AdminUpdateSalesChannel)] },
    { method: "DELETE", matcher: "/admin/sales-channels/:id", middlewares: [writeChannels] },
  ],
})
