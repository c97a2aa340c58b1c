import { Migration20240110090332_create_publishable_api_key_sales_channel } from "./Migration20240110090332_create_publishable_api_key_sales_channel"

/**
 * The link tables' migrations, oldest first. The publishable key ↔ sales channel table was the
 * sales channel module's until links became their own layer: the migration keeps its name, and a
 * database where the sales channel module recorded it is adopted as is (see links/migrations.ts).
 */
export const linkMigrations = [
  {
    name: "Migration20240110090332_create_publishable_api_key_sales_channel",
    class: Migration20240110090332_create_publishable_api_key_sales_channel,
  },
]

/** Migrations that earlier releases recorded under a module's own migrations table. */
export const ADOPTED_LINK_MIGRATIONS = [{ name: "Migration20240110090332_create_publishable_api_key_sales_channel", from: "sales_channel_migrations" }]
