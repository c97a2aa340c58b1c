import { EntitySchema } from "@mikro-orm/core"

/** A row of `sales_channel`: plain data, the rules live in the service. */
export class SalesChannel {
  id!: string
  name!: string
  description!: string | null
  is_disabled!: boolean
  created_at!: Date
  updated_at!: Date
  deleted_at!: Date | null
}

export const SalesChannelSchema = new EntitySchema<SalesChannel>({
  class: SalesChannel,
  tableName: "sales_channel",
  properties: {
    id: { type: "text", columnType: "text", primary: true },
    name: { type: "text", columnType: "text" },
    description: { type: "text", columnType: "text", nullable: true },
    is_disabled: { type: "boolean", columnType: "boolean", default: false },
    created_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    updated_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    deleted_at: { type: "datetime", columnType: "timestamptz", nullable: true },
  },
})

/** Columns a read may select, filter on or order by. */
export const SALES_CHANNEL_FIELDS = ["id", "name", "description", "is_disabled", "created_at", "updated_at", "deleted_at"] as const
export type SalesChannelField = (typeof SALES_CHANNEL_FIELDS)[number]
