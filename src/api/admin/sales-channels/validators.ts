import { z } from "zod"
import { findParams, stringOrList } from "../../../framework/http/query-params"

const booleanString = z.enum(["true", "false"]).transform((v) => v === "true")

export const AdminGetSalesChannelsParams = z.strictObject({
  q: z.string().optional(),
  id: stringOrList.optional(),
  name: stringOrList.optional(),
  is_disabled: booleanString.optional(),
  ...findParams,
})
export type AdminGetSalesChannelsParamsType = z.output<typeof AdminGetSalesChannelsParams>

export const AdminGetSalesChannelParams = z.strictObject({
  fields: findParams.fields,
})
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
