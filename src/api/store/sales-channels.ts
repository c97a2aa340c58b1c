import { Router } from "express"
import { Modules } from "../../framework/modules-sdk/definitions"
import type { SalesChannelModuleService } from "../../modules/sales-channel/services/sales-channel-module-service"
import type { MedusaResponse, MedusaStoreRequest } from "../../framework/http/types"
import { handler } from "../handler"

/** The sales channels the request's publishable key grants. */
export async function listGrantedSalesChannels(req: MedusaStoreRequest, res: MedusaResponse): Promise<void> {
  const ids = req.publishable_key_context.sales_channel_ids
  const service: SalesChannelModuleService = req.scope.resolve(Modules.SALES_CHANNEL)
  const sales_channels = ids.length ? await service.listSalesChannels({ id: ids }) : []
  res.json({ sales_channels })
}

/** Mounted under /store, behind the publishable-key guard. */
export function storeSalesChannelRoutes(): Router {
  const router = Router()
  router.get("/sales-channels", handler(listGrantedSalesChannels))
  return router
}
