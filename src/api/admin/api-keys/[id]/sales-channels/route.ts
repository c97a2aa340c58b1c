import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../../framework/http"
import { linkSalesChannelsToApiKeyWorkflow } from "../../../../../workflows"
import { pathParam } from "../../../../utils"
import { refetchApiKey } from "../../helpers"
import type { AdminBatchSalesChannelsType, AdminGetApiKeyParamsType } from "../../validators"

/** Adds and removes a publishable key's sales channels. */
export async function POST(req: AuthenticatedMedusaRequest<AdminBatchSalesChannelsType, AdminGetApiKeyParamsType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  const { add = [], remove = [] } = req.validatedBody
  await linkSalesChannelsToApiKeyWorkflow(req.scope).run({ input: { id, add, remove } })
  res.json({ api_key: await refetchApiKey(req.scope, id, req.validatedQuery.fields) })
}
