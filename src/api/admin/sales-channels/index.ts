import { Router } from "express"
import { validateBody, validateQuery } from "../../../framework/http/validation"
import { handler } from "../../handler"
import * as handlers from "./handlers"
import {
  AdminCreateSalesChannel,
  AdminGetSalesChannelParams,
  AdminGetSalesChannelsParams,
  AdminUpdateSalesChannel,
} from "./validators"

/** Medusa's /admin/sales-channels routes; mounted under /admin, behind admin authentication. */
export function salesChannelRoutes(): Router {
  const router = Router()
  const one = validateQuery(AdminGetSalesChannelParams)
  router.get("/sales-channels", validateQuery(AdminGetSalesChannelsParams), handler(handlers.listSalesChannels))
  router.post("/sales-channels", one, validateBody(AdminCreateSalesChannel), handler(handlers.createSalesChannel))
  router.get("/sales-channels/:id", one, handler(handlers.retrieveSalesChannel))
  router.post("/sales-channels/:id", one, validateBody(AdminUpdateSalesChannel), handler(handlers.updateSalesChannel))
  router.delete("/sales-channels/:id", handler(handlers.deleteSalesChannel))
  return router
}
