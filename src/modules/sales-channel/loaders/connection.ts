import { asValue } from "awilix"
import { connectModuleOrm } from "../../../framework/modules-sdk/database"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { SalesChannelSchema } from "../models/sales-channel"
import { PublishableKeyLinkSchema } from "../models/publishable-key-link"
import { salesChannelMigrations } from "../../../../migrations/sales-channel"
import type { SalesChannelModuleOptions } from "../types"

export const SALES_CHANNEL_MIGRATIONS_TABLE = "sales_channel_migrations"

export function salesChannelOrmConfig(options: SalesChannelModuleOptions) {
  return {
    database: options.database,
    entities: [SalesChannelSchema, PublishableKeyLinkSchema],
    migrationsList: salesChannelMigrations,
    migrationsTable: SALES_CHANNEL_MIGRATIONS_TABLE,
  }
}

/** Opens the module's own ORM; the service closes it on shutdown. */
export async function connectionLoader({ container, options }: ModuleLoaderArgs<SalesChannelModuleOptions>): Promise<void> {
  const orm = await connectModuleOrm(salesChannelOrmConfig(options))
  container.register({ orm: asValue(orm) })
}
