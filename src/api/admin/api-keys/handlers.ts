import type { AwilixContainer } from "awilix"
import { Modules } from "../../../framework/modules-sdk/definitions"
import type { IApiKeyModuleService } from "../../../modules/api-key/types/service"
import type { FilterableApiKeyProps } from "../../../modules/api-key/types/api-key"
import { definedOnly, parseOrder } from "../../../framework/http/query-params"
import { withSalesChannels } from "../../sales-channel-link"
import {
  createApiKeysWorkflow,
  deleteApiKeysWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  revokeApiKeysWorkflow,
  rollApiKeyWorkflow,
  updateApiKeysWorkflow,
} from "../../../workflows"
import { pathParam } from "../../handler"
import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../framework/http/types"
import { parseApiKeyFields } from "./fields"
import type {
  AdminBatchSalesChannelsType,
  AdminCreateApiKeyType,
  AdminGetApiKeyParamsType,
  AdminGetApiKeysParamsType,
  AdminRevokeApiKeyType,
  AdminRollApiKeyType,
  AdminUpdateApiKeyType,
} from "./validators"

/**
 * The /admin/api-keys handlers. As in Medusa, changes run through the API key workflows (so a
 * failed step is compensated); reads go to the service directly.
 */

type Req<Body = unknown, Query = AdminGetApiKeyParamsType> = AuthenticatedMedusaRequest<Body, Query>

function apiKeyService(scope: AwilixContainer): IApiKeyModuleService {
  return scope.resolve(Modules.API_KEY)
}

/** Reads the key back the way the client asked (`fields`), with its sales channels. */
async function respondWithKey(req: Req<unknown, AdminGetApiKeyParamsType>, res: MedusaResponse, id: string): Promise<void> {
  const { select, salesChannels } = parseApiKeyFields(req.validatedQuery.fields)
  const key = await apiKeyService(req.scope).retrieveApiKey(id, { select })
  const [api_key] = await withSalesChannels(req.scope, [key], salesChannels)
  res.json({ api_key })
}

export async function listApiKeys(req: Req<unknown, AdminGetApiKeysParamsType>, res: MedusaResponse): Promise<void> {
  const { limit, offset, order, fields, ...filters } = req.validatedQuery
  const { select, salesChannels } = parseApiKeyFields(fields)
  const [keys, count] = await apiKeyService(req.scope).listAndCountApiKeys(definedOnly(filters) as FilterableApiKeyProps, {
    select,
    skip: offset,
    take: limit,
    order: parseOrder(order),
  })
  res.json({ api_keys: await withSalesChannels(req.scope, keys, salesChannels), count, offset, limit })
}

export async function createApiKey(req: Req<AdminCreateApiKeyType>, res: MedusaResponse): Promise<void> {
  const { result } = await createApiKeysWorkflow(req.scope).run({
    input: { api_keys: [{ ...req.validatedBody, created_by: req.auth_context.actor_id }] },
  })
  // The create response is the only one that carries a secret key's raw token: no read-back.
  const [api_key] = await withSalesChannels(req.scope, [result[0]])
  res.json({ api_key })
}

export async function retrieveApiKey(req: Req, res: MedusaResponse): Promise<void> {
  await respondWithKey(req, res, pathParam(req, "id"))
}

export async function updateApiKey(req: Req<AdminUpdateApiKeyType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  // A selector that matches nothing updates nothing; a missing key must still be a 404.
  await apiKeyService(req.scope).retrieveApiKey(id, { select: ["id"] })
  await updateApiKeysWorkflow(req.scope).run({ input: { selector: { id }, update: { title: req.validatedBody.title } } })
  await respondWithKey(req, res, pathParam(req, "id"))
}

export async function deleteApiKey(req: Req, res: MedusaResponse): Promise<void> {
  await deleteApiKeysWorkflow(req.scope).run({ input: { ids: [pathParam(req, "id")] } })
  res.json({ id: pathParam(req, "id"), object: "api_key", deleted: true })
}

export async function revokeApiKey(req: Req<AdminRevokeApiKeyType>, res: MedusaResponse): Promise<void> {
  const id = pathParam(req, "id")
  await apiKeyService(req.scope).retrieveApiKey(id, { select: ["id"] })
  await revokeApiKeysWorkflow(req.scope).run({
    input: { selector: { id }, revoke: { revoked_by: req.auth_context.actor_id, revoke_in: req.validatedBody.revoke_in } },
  })
  await respondWithKey(req, res, id)
}

/** Not in Medusa: creates the successor, then revokes this key now or after `revoke_in` seconds. */
export async function rollApiKey(req: Req<AdminRollApiKeyType>, res: MedusaResponse): Promise<void> {
  const { result } = await rollApiKeyWorkflow(req.scope).run({
    input: { id: pathParam(req, "id"), revoke_in: req.validatedBody.revoke_in, revoked_by: req.auth_context.actor_id },
  })
  // Like create, the successor's raw token is in this response only.
  const [api_key] = await withSalesChannels(req.scope, [result])
  res.json({ api_key })
}

export async function batchApiKeySalesChannels(req: Req<AdminBatchSalesChannelsType>, res: MedusaResponse): Promise<void> {
  const { add = [], remove = [] } = req.validatedBody
  await linkSalesChannelsToApiKeyWorkflow(req.scope).run({ input: { id: pathParam(req, "id"), add, remove } })
  await respondWithKey(req, res, pathParam(req, "id"))
}
