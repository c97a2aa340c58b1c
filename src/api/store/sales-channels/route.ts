import type { MedusaResponse, MedusaStoreRequest } from "../../../framework/http"
import { salesChannelService } from "../../utils"

/** GET /store/sales-channels: the sales channels the request's publishable key grants. */
export async function GET(req: MedusaStoreRequest, res: MedusaResponse): Promise<void> {
  const ids = req.publishable_key_context.sales_channel_ids
  const sales_channels = ids.length ? await salesChannelService(req.scope).listSalesChannels({ id: ids }) : []
  res.json({ sales_channels })
}
