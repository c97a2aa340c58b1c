import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../framework/http"
import { deleteApiKeysWorkflow, updateApiKeysWorkflow } from "../../../../workflows"
import { definedOnly } from "../../../../framework/http/query-params"
import { MedusaError } from "../../../../framework/modules-sdk/medusa-error"
import { apiKeyService, pathParam } from "../../../utils"
import { refetchApiKey } from "../helpers"
import { assertUpdateWithinCaller } from "../no-widening"
import type { AdminGetApiKeyParamsType, AdminUpdateApiKeyType } from "../validators"

type Req<Body = unknown> = AuthenticatedMedusaRequest<Body, AdminGetApiKeyParamsType>

export async function GET(req: Req, res: MedusaResponse): Promise<void> {
  res.json({ api_key: await refetchApiKey(req.scope, pathParam(req, "id"), req.validatedQuery.fields) })
}

/**
 * Renames a key or changes its settings; `additional_data` goes to the workflow, and the key
 * history records the caller. A caller limited by scopes cannot give a key wider scopes than its own.
 */
export async function POST(req: Req<AdminUpdateApiKeyType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  const { additional_data, ...given } = req.validatedBody
  const update = definedOnly(given)
  // Medusa requires the title; here a setting alone will do, but an empty update is a mistake.
  if (!Object.keys(update).length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "Give the title or a setting to change: title, scopes, allowed_origins, rate_limit or metadata")
  }
  // A selector that matches nothing updates nothing; a missing key must still be a 404.
  const target = await apiKeyService(req.scope).retrieveApiKey(id, { select: ["id", "type"] })
  assertUpdateWithinCaller(req, target, update.scopes)
  await updateApiKeysWorkflow(req.scope).run({
    input: { selector: { id }, update, additional_data },
    context: { actor: req.auth_context.actor_id },
  })
  res.json({ api_key: await refetchApiKey(req.scope, id, req.validatedQuery.fields) })
}

/** Deletes a revoked key and its sales channel links; the key history records the caller. */
export async function DELETE(req: Req, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  await deleteApiKeysWorkflow(req.scope).run({ input: { ids: [id] }, context: { actor: req.auth_context.actor_id } })
  res.json({ id, object: "api_key", deleted: true })
}
