import type { MedusaResponse, MedusaStoreRequest } from "../../../framework/http"
import { queryFields } from "../../../framework/http/fields"
import type { RetrieveQuery } from "../../../framework/http/model-params"
import { SalesChannel } from "../../../modules/sales-channel"
import { queryService } from "../../utils"

/**
 * GET /store/sales-channels: the sales channels the request's publishable key grants, with
 * Medusa's `fields` semantics on the channel's own fields (a storefront is never shown the keys
 * linked to a channel).
 */
export async function GET(req: MedusaStoreRequest<unknown, RetrieveQuery>, res: MedusaResponse): Promise<void> {
  const ids = req.publishable_key_context.sales_channel_ids
  const fields = queryFields(req.validatedQuery.fields, { model: SalesChannel, relations: [] })
  const sales_channels = ids.length ? (await queryService(req.scope).graph({ entity: SalesChannel.tableName, fields, filters: { id: ids } })).data : []
  res.json({ sales_channels })
}
