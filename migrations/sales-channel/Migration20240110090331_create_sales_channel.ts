import { Migration } from "@mikro-orm/migrations"

/**
 * The `sales_channel` table with Medusa's columns (Medusa's also has a nullable `metadata`,
 * which this module does not use). Idempotent, so a store that already has Medusa's table keeps it.
 */
export class Migration20240110090331_create_sales_channel extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table if not exists "sales_channel" (
      "id" text not null,
      "name" text not null,
      "description" text null,
      "is_disabled" boolean not null default false,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "deleted_at" timestamptz null,
      constraint "sales_channel_pkey" primary key ("id")
    );`)
    this.addSql(`create index if not exists "IDX_sales_channel_deleted_at" on "sales_channel" ("deleted_at") where "deleted_at" is null;`)
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "sales_channel" cascade;`)
  }
}
