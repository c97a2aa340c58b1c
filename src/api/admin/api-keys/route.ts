import { createApiKeysWorkflow } from "../../../workflows"
import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../framework/http"
import { definedOnly, parseOrder } from "../../../framework/http/query-params"
import { queryApiKeys, withSalesChannels } from "./helpers"
import { assertCreateWithinCaller } from "./no-widening"
import type { AdminCreateApiKeyType, AdminGetApiKeysParamsType } from "./validators"

/** GET /admin/api-keys: Medusa's list, with filters, paging, order and `fields`. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminGetApiKeysParamsType>, res: MedusaResponse): Promise<void> {
  const { limit, offset, order, fields, with_deleted, ...filters } = req.validatedQuery
  const { data, count } = await queryApiKeys(req.scope, fields, definedOnly(filters), {
    pagination: { skip: offset, take: limit, order: parseOrder(order) },
    withDeleted: with_deleted,
  })
  res.json({ api_keys: data, count, offset, limit })
}

/**
 * POST /admin/api-keys: creates a key through the workflow; `created_by` is the caller, and
 * `additional_data` goes to the workflow's apiKeysCreated hook. A caller limited by scopes can
 * only create secret keys within its own scopes.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateApiKeyType>, res: MedusaResponse): Promise<void> {
  const { additional_data, ...key } = req.validatedBody
  assertCreateWithinCaller(req, key.type, key.scopes)
  const { result } = await createApiKeysWorkflow(req.scope).run({
    input: { api_keys: [{ ...key, created_by: req.auth_context.actor_id }], additional_data },
  })
  res.json({ api_key: await withSalesChannels(req.scope, result[0]) })
}
