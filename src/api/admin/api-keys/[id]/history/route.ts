import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../../../framework/http"
import { definedOnly } from "../../../../../framework/http/query-params"
import { apiKeyService, pathParam, routeNotFound } from "../../../../utils"
import type { AdminGetApiKeyHistoryParamsType } from "../../validators"

/**
 * GET /admin/api-keys/:id/history (not in Medusa): the key's lifecycle, newest first, as a list
 * envelope. A deleted key's history stays readable — the record of who deleted it is the point;
 * only an id that never named a key (no key, deleted or not, and no history) is a 404, worded as
 * `GET /admin/api-keys/:id` words it.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminGetApiKeyHistoryParamsType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  const { limit, offset, ...filters } = req.validatedQuery
  const service = apiKeyService(req.scope)
  const [history, count] = await service.listAndCountApiKeyHistory({ ...definedOnly(filters), api_key_id: id }, { skip: offset, take: limit })
  if (count === 0 && !(await isKnownKey(req, id))) throw routeNotFound(`API Key with id: ${id} was not found`)
  res.json({ history, count, offset, limit })
}

/** A key that exists (soft-deleted too) or once existed (it has history). */
async function isKnownKey(req: AuthenticatedMedusaRequest, id: string): Promise<boolean> {
  const service = apiKeyService(req.scope)
  const [, keys] = await service.listAndCountApiKeys({ id }, { take: 0, withDeleted: true })
  if (keys > 0) return true
  const [, entries] = await service.listAndCountApiKeyHistory({ api_key_id: id }, { take: 0 })
  return entries > 0
}
