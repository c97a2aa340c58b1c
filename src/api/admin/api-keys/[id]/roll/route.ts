import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../../framework/http"
import { rollApiKeyWorkflow } from "../../../../../workflows"
import { apiKeyService, pathParam } from "../../../../utils"
import { withSalesChannels } from "../../helpers"
import { assertRollWithinCaller, callerIsLimited } from "../../no-widening"
import type { AdminRollApiKeyType } from "../../validators"

/**
 * Not in Medusa: creates the successor (with this key's settings), then revokes this key now or
 * after `revoke_in` seconds. The response holds the successor's token, so a caller limited by
 * scopes can only roll keys within its own scopes.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminRollApiKeyType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  if (callerIsLimited(req)) assertRollWithinCaller(req, await apiKeyService(req.scope).retrieveApiKey(id, { select: ["id", "type", "scopes"] }))
  const { result } = await rollApiKeyWorkflow(req.scope).run({
    input: { id, revoke_in: req.validatedBody.revoke_in, revoked_by: req.auth_context.actor_id },
    // The successor's creation is recorded in the key history as the caller's.
    context: { actor: req.auth_context.actor_id },
  })
  // Like create, the successor's raw token is in this response only.
  res.json({ api_key: await withSalesChannels(req.scope, result) })
}
