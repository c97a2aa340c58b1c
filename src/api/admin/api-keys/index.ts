import { Router } from "express"
import { validateBody, validateQuery } from "../../../framework/http/validation"
import { handler } from "../../handler"
import * as handlers from "./handlers"
import {
  AdminBatchSalesChannels,
  AdminCreateApiKey,
  AdminGetApiKeyParams,
  AdminGetApiKeysParams,
  AdminRevokeApiKey,
  AdminRollApiKey,
  AdminUpdateApiKey,
} from "./validators"

/** Medusa's /admin/api-keys routes; mounted under /admin, behind admin authentication. */
export function apiKeyRoutes(): Router {
  const router = Router()
  const one = validateQuery(AdminGetApiKeyParams)
  router.get("/api-keys", validateQuery(AdminGetApiKeysParams), handler(handlers.listApiKeys))
  router.post("/api-keys", validateBody(AdminCreateApiKey), handler(handlers.createApiKey))
  router.get("/api-keys/:id", one, handler(handlers.retrieveApiKey))
  router.post("/api-keys/:id", one, validateBody(AdminUpdateApiKey), handler(handlers.updateApiKey))
  router.delete("/api-keys/:id", handler(handlers.deleteApiKey))
  router.post("/api-keys/:id/revoke", one, validateBody(AdminRevokeApiKey), handler(handlers.revokeApiKey))
  router.post("/api-keys/:id/roll", validateBody(AdminRollApiKey), handler(handlers.rollApiKey))
  router.post("/api-keys/:id/sales-channels", one, validateBody(AdminBatchSalesChannels), handler(handlers.batchApiKeySalesChannels))
  return router
}
