import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../../framework/http"
import { revokeApiKeysWorkflow } from "../../../../../workflows"
import { apiKeyService, pathParam } from "../../../../utils"
import { refetchApiKey } from "../../helpers"
import type { AdminGetApiKeyParamsType, AdminRevokeApiKeyType } from "../../validators"

/** Revokes now or after `revoke_in` seconds; `revoked_by` is the caller. */
export async function POST(req: AuthenticatedMedusaRequest<AdminRevokeApiKeyType, AdminGetApiKeyParamsType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  await apiKeyService(req.scope).retrieveApiKey(id, { select: ["id"] })
  await revokeApiKeysWorkflow(req.scope).run({
    input: { selector: { id }, revoke: { revoked_by: req.auth_context.actor_id, revoke_in: req.validatedBody.revoke_in } },
  })
  res.json({ api_key: await refetchApiKey(req.scope, id, req.validatedQuery.fields) })
}
