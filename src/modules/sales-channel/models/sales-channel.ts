import { model } from "../../../framework/modules-sdk/model"

/** Medusa's `sales_channel` table (Medusa's also has a nullable `metadata`, which this module does not use). */
export const SalesChannel = model
  .define("sales_channel", {
    id: model.id({ prefix: "sc" }).primaryKey(),
    name: model.text().searchable(),
    description: model.text().nullable().searchable(),
    is_disabled: model.boolean().default(false),
  })
  .indexes([{ name: "IDX_sales_channel_deleted_at", on: ["deleted_at"], where: `"deleted_at" is null` }])
