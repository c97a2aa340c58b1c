import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../framework/http"
import { pathParam, salesChannelService } from "../../../utils"
import { refetchSalesChannel } from "../helpers"
import type { AdminGetSalesChannelParamsType, AdminUpdateSalesChannelType } from "../validators"

type Req<Body = unknown> = AuthenticatedMedusaRequest<Body, AdminGetSalesChannelParamsType>

export async function GET(req: Req, res: MedusaResponse): Promise<void> {
  res.json({ sales_channel: await refetchSalesChannel(req.scope, pathParam(req, "id"), req.validatedQuery.fields) })
}

export async function POST(req: Req<AdminUpdateSalesChannelType>, res: MedusaResponse): Promise<void> {
  await salesChannelService(req.scope).updateSalesChannels(pathParam(req, "id"), req.validatedBody)
  res.json({ sales_channel: await refetchSalesChannel(req.scope, pathParam(req, "id"), req.validatedQuery.fields) })
}

/** Medusa soft-deletes a channel; its links to publishable keys are hidden with it. */
export async function DELETE(req: Req, res: MedusaResponse): Promise<void> {
  await salesChannelService(req.scope).softDeleteSalesChannels(pathParam(req, "id"))
  res.json({ id: pathParam(req, "id"), object: "sales-channel", deleted: true })
}
