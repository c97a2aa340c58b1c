import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../../framework/http"
import { rollApiKeyWorkflow } from "../../../../../workflows"
import { pathParam } from "../../../../utils"
import { withSalesChannels } from "../../helpers"
import type { AdminRollApiKeyType } from "../../validators"

/** Not in Medusa: creates the successor, then revokes this key now or after `revoke_in` seconds. */
export async function POST(req: AuthenticatedMedusaRequest<AdminRollApiKeyType>, res: MedusaResponse): Promise<void> {
  const { result } = await rollApiKeyWorkflow(req.scope).run({
    input: { id: pathParam(req, "id"), revoke_in: req.validatedBody.revoke_in, revoked_by: req.auth_context.actor_id },
    // The successor's creation is recorded in the key history as the caller's.
    context: { actor: req.auth_context.actor_id },
  })
  // Like create, the successor's raw token is in this response only.
  res.json({ api_key: await withSalesChannels(req.scope, result) })
}
