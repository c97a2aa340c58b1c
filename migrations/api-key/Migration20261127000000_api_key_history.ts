import { Migration } from "@mikro-orm/migrations"

/**
 * The key history. `api_key_id` has no foreign key on purpose: a key's deletion is itself a
 * history entry, which must outlive the key (a cascade would wipe the record of who deleted it).
 * Additive only: a server of the previous release keeps working on a database migrated by this one.
 */
export class Migration20261127000000_api_key_history extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table if not exists "api_key_history" (
      "id" text not null,
      "api_key_id" text not null,
      "action" text check ("action" in ('created', 'title_changed', 'revoked', 'revocation_scheduled', 'rolled', 'deleted', 'soft_deleted', 'restored', 'first_used')) not null,
      "actor" text null,
      "data" jsonb not null default '{}',
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "deleted_at" timestamptz null,
      constraint "api_key_history_pkey" primary key ("id")
    );`)
    this.addSql(
      `create index if not exists "IDX_api_key_history_api_key_id_created_at" on "api_key_history" ("api_key_id", "created_at");`
    )
    this.addSql(`create index if not exists "IDX_api_key_history_created_at" on "api_key_history" ("created_at");`)
    this.addSql(
      `create unique index if not exists "IDX_api_key_history_first_used_unique" on "api_key_history" ("api_key_id") where "action" = 'first_used';`
    )
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key_history";`)
  }
}
