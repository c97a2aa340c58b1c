import { EntitySchema } from "@mikro-orm/core"

/**
 * A row of `publishable_api_key_sales_channel`, Medusa's link between a publishable API key and
 * a sales channel. The key lives in another module (and may live in another database schema),
 * so `publishable_key_id` is a plain column, not a foreign key. Links are removed outright;
 * `deleted_at` exists only because Medusa's link tables carry it.
 */
export class PublishableKeyLink {
  id!: string
  publishable_key_id!: string
  sales_channel_id!: string
  created_at!: Date
  updated_at!: Date
  deleted_at!: Date | null
}

export const PublishableKeyLinkSchema = new EntitySchema<PublishableKeyLink>({
  class: PublishableKeyLink,
  tableName: "publishable_api_key_sales_channel",
  properties: {
    id: { type: "text", columnType: "text", primary: true },
    publishable_key_id: { type: "text", columnType: "text" },
    sales_channel_id: { type: "text", columnType: "text" },
    created_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    updated_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    deleted_at: { type: "datetime", columnType: "timestamptz", nullable: true },
  },
})
