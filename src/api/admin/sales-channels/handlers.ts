import type { AwilixContainer } from "awilix"
import { Modules } from "../../../framework/modules-sdk/definitions"
import type { SalesChannelModuleService } from "../../../modules/sales-channel/services/sales-channel-module-service"
import type { SalesChannelField } from "../../../modules/sales-channel/models/sales-channel"
import type { FilterableSalesChannelProps } from "../../../modules/sales-channel/types"
import { definedOnly, parseOrder } from "../../../framework/http/query-params"
import { pathParam } from "../../handler"
import type { AuthenticatedMedusaRequest, MedusaResponse } from "../../../framework/http/types"
import type {
  AdminCreateSalesChannelType,
  AdminGetSalesChannelParamsType,
  AdminGetSalesChannelsParamsType,
  AdminUpdateSalesChannelType,
} from "./validators"

/** The /admin/sales-channels handlers: one service call each, then the response shape. */

type Req<Body = unknown, Query = AdminGetSalesChannelParamsType> = AuthenticatedMedusaRequest<Body, Query>

function salesChannelService(scope: AwilixContainer): SalesChannelModuleService {
  return scope.resolve(Modules.SALES_CHANNEL)
}

/** `fields=id,name` → the columns to read; the service refuses unknown names. */
function selectFields(fields: string | undefined): SalesChannelField[] | undefined {
  const names = fields?.split(",").map((f) => f.trim()).filter(Boolean)
  return names?.length ? (names as SalesChannelField[]) : undefined
}

async function respondWithChannel(req: Req<unknown>, res: MedusaResponse, id: string): Promise<void> {
  const sales_channel = await salesChannelService(req.scope).retrieveSalesChannel(id, { select: selectFields(req.validatedQuery.fields) })
  res.json({ sales_channel })
}

export async function listSalesChannels(req: Req<unknown, AdminGetSalesChannelsParamsType>, res: MedusaResponse): Promise<void> {
  const { limit, offset, order, fields, ...filters } = req.validatedQuery
  const [sales_channels, count] = await salesChannelService(req.scope).listAndCountSalesChannels(
    definedOnly(filters) as FilterableSalesChannelProps,
    { select: selectFields(fields), skip: offset, take: limit, order: parseOrder(order) }
  )
  res.json({ sales_channels, count, offset, limit })
}

export async function createSalesChannel(req: Req<AdminCreateSalesChannelType>, res: MedusaResponse): Promise<void> {
  const created = await salesChannelService(req.scope).createSalesChannels(req.validatedBody)
  await respondWithChannel(req, res, created.id)
}

export async function retrieveSalesChannel(req: Req, res: MedusaResponse): Promise<void> {
  await respondWithChannel(req, res, pathParam(req, "id"))
}

export async function updateSalesChannel(req: Req<AdminUpdateSalesChannelType>, res: MedusaResponse): Promise<void> {
  await salesChannelService(req.scope).updateSalesChannels(pathParam(req, "id"), req.validatedBody)
  await respondWithChannel(req, res, pathParam(req, "id"))
}

export async function deleteSalesChannel(req: Req, res: MedusaResponse): Promise<void> {
  // Medusa soft-deletes a channel; its links to publishable keys are hidden with it.
  await salesChannelService(req.scope).softDeleteSalesChannels(pathParam(req, "id"))
  res.json({ id: pathParam(req, "id"), object: "sales-channel", deleted: true })
}
