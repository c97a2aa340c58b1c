import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../framework/http"
import { definedOnly, parseOrder } from "../../../framework/http/query-params"
import { salesChannelService } from "../../utils"
import { querySalesChannels, refetchSalesChannel, salesChannelIdsLinkedTo } from "./helpers"
import type { AdminCreateSalesChannelType, AdminGetSalesChannelParamsType, AdminGetSalesChannelsParamsType } from "./validators"

export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminGetSalesChannelsParamsType>, res: MedusaResponse): Promise<void> {
  const { limit, offset, order, fields, with_deleted, publishable_key_id, ...filters } = req.validatedQuery
  const linked = publishable_key_id === undefined ? undefined : await salesChannelIdsLinkedTo(req.scope, publishable_key_id as string | string[])
  const where = linked ? { $and: [definedOnly(filters), { id: linked }] } : definedOnly(filters)
  const { data: sales_channels, count } = await querySalesChannels(req.scope, fields, where, {
    pagination: { skip: offset, take: limit, order: parseOrder(order) },
    withDeleted: with_deleted,
  })
  res.json({ sales_channels, count, offset, limit })
}

export async function POST(req: AuthenticatedMedusaRequest<AdminCreateSalesChannelType, AdminGetSalesChannelParamsType>, res: MedusaResponse): Promise<void> {
  const created = await salesChannelService(req.scope).createSalesChannels(req.validatedBody)
  res.json({ sales_channel: await refetchSalesChannel(req.scope, created.id, req.validatedQuery.fields) })
}
