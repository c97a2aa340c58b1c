import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../framework/http"
import { pathParam, routeNotFound, salesChannelService } from "../../../utils"
import { refetchSalesChannel } from "../helpers"
import type { AdminGetSalesChannelParamsType, AdminUpdateSalesChannelType } from "../validators"

type Req<Body = unknown> = AuthenticatedMedusaRequest<Body, AdminGetSalesChannelParamsType>

// The two 404 messages differ (`id: X` vs `id "X"`) because Medusa's routes word them so.
export async function GET(req: Req, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  const salesChannel = await refetchSalesChannel(req.scope, id, req.validatedQuery.fields)
  if (!salesChannel) throw routeNotFound(`Sales channel with id: ${id} not found`)
  res.json({ sales_channel: salesChannel })
}

export async function POST(req: Req<AdminUpdateSalesChannelType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  if (!(await refetchSalesChannel(req.scope, id, "id"))) throw routeNotFound(`Sales channel with id "${id}" not found`)
  await salesChannelService(req.scope).updateSalesChannels(id, req.validatedBody)
  res.json({ sales_channel: await refetchSalesChannel(req.scope, id, req.validatedQuery.fields) })
}

/** Medusa soft-deletes a channel; its links to publishable keys are hidden with it. */
export async function DELETE(req: Req, res: MedusaResponse): Promise<void> {
  await salesChannelService(req.scope).softDeleteSalesChannels(pathParam(req, "id"))
  res.json({ id: pathParam(req, "id"), object: "sales-channel", deleted: true })
}
