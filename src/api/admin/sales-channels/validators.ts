import { z } from "zod"
import { listParams, retrieveParams } from "../../../framework/http/model-params"
import { stringOrList } from "../../../framework/http/query-params"
import { SalesChannel } from "../../../modules/sales-channel"

/** Query of GET /admin/sales-channels: filters on the channel's readable fields, `q`, paging, order, fields. */
export const AdminGetSalesChannelsParams = listParams(SalesChannel, {
  /** Channels linked to this publishable key (or any of these keys). */
  publishable_key_id: stringOrList.optional(),
})
export type AdminGetSalesChannelsParamsType = z.output<typeof AdminGetSalesChannelsParams>

export const AdminGetSalesChannelParams = retrieveParams
export type AdminGetSalesChannelParamsType = z.output<typeof AdminGetSalesChannelParams>

export const AdminCreateSalesChannel = z.strictObject({
  name: z.string(),
  description: z.string().nullable().optional(),
  is_disabled: z.boolean().optional(),
})
export type AdminCreateSalesChannelType = z.output<typeof AdminCreateSalesChannel>

export const AdminUpdateSalesChannel = z.strictObject({
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  is_disabled: z.boolean().optional(),
})
export type AdminUpdateSalesChannelType = z.output<typeof AdminUpdateSalesChannel>
