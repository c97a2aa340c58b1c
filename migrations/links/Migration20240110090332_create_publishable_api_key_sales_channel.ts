import { Migration } from "@mikro-orm/migrations"

/**
 * The publishable key ↔ sales channel link table. One live link per pair (the partial unique
 * index also lets an insert skip a pair that is already linked); both columns are indexed
 * because reads go both ways (a key's channels, a channel's keys on delete).
 */
export class Migration20240110090332_create_publishable_api_key_sales_channel extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table if not exists "publishable_api_key_sales_channel" (
      "id" text not null,
      "publishable_key_id" text not null,
      "sales_channel_id" text not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "deleted_at" timestamptz null,
      constraint "publishable_api_key_sales_channel_pkey" primary key ("id")
    );`)
    this.addSql(`create unique index if not exists "IDX_publishable_api_key_sales_channel_unique" on "publishable_api_key_sales_channel" ("publishable_key_id", "sales_channel_id") where "deleted_at" is null;`)
    this.addSql(`create index if not exists "IDX_publishable_api_key_sales_channel_publishable_key_id" on "publishable_api_key_sales_channel" ("publishable_key_id");`)
    this.addSql(`create index if not exists "IDX_publishable_api_key_sales_channel_sales_channel_id" on "publishable_api_key_sales_channel" ("sales_channel_id");`)
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "publishable_api_key_sales_channel" cascade;`)
  }
}
