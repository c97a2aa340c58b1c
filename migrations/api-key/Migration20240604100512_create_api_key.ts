import { Migration } from "@mikro-orm/migrations"

/**
 * The `api_key` table with exactly the columns Medusa's API Key Module creates. Every statement
 * is idempotent so a store that already has Medusa's table switches to this module in place.
 */
export class Migration20240604100512_create_api_key extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table if not exists "api_key" (
      "id" text not null,
      "token" text not null,
      "salt" text not null,
      "redacted" text not null,
      "title" text not null,
      "type" text check ("type" in ('publishable', 'secret')) not null,
      "last_used_at" timestamptz null,
      "created_by" text not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "revoked_by" text null,
      "revoked_at" timestamptz null,
      "deleted_at" timestamptz null,
      constraint "api_key_pkey" primary key ("id")
    );`)
    // Older Medusa tables predate these two columns.
    this.addSql(`alter table "api_key" add column if not exists "updated_at" timestamptz not null default now();`)
    this.addSql(`alter table "api_key" add column if not exists "deleted_at" timestamptz null;`)
    this.addSql(`create unique index if not exists "IDX_api_key_token_unique" on "api_key" ("token");`)
    this.addSql(`create index if not exists "IDX_api_key_type" on "api_key" ("type");`)
    this.addSql(`create index if not exists "IDX_api_key_deleted_at" on "api_key" ("deleted_at") where "deleted_at" is null;`)
    this.addSql(`create index if not exists "IDX_api_key_revoked_at" on "api_key" ("revoked_at");`)
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`)
  }
}
