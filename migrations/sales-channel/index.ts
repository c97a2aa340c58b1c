import { Migration20240110090331_create_sales_channel } from "./Migration20240110090331_create_sales_channel"

/** The sales channel module's migrations, oldest first. Listed explicitly so builds need no globbing. */
export const salesChannelMigrations = [{ name: "Migration20240110090331_create_sales_channel", class: Migration20240110090331_create_sales_channel }]
