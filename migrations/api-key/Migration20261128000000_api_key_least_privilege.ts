import { Migration } from "@mikro-orm/migrations"

/**
 * The columns of least privilege, expiry and rate limits, all nullable: null is Medusa's behaviour
 * (no expiry, full access, any origin, the module's default limit), so existing keys are unchanged
 * and a server of the previous release, which never names these columns, keeps working beside this
 * one. The history gains the `settings_changed` action; `down` restores the old list without
 * checking old rows.
 */
export class Migration20261128000000_api_key_least_privilege extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "api_key"
      add column if not exists "expires_at" timestamptz null,
      add column if not exists "scopes" jsonb null,
      add column if not exists "allowed_origins" jsonb null,
      add column if not exists "rate_limit" jsonb null,
      add column if not exists "metadata" jsonb null;`)
    this.addSql(`create index if not exists "IDX_api_key_expires_at" on "api_key" ("expires_at") where "expires_at" is not null;`)
    this.addSql(`alter table "api_key_history" drop constraint if exists "api_key_history_action_check";`)
    this.addSql(`alter table "api_key_history" add constraint "api_key_history_action_check" check ("action" in (${actions([...PREVIOUS_ACTIONS, "settings_changed"])}));`)
  }

  async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_api_key_expires_at";`)
    this.addSql(`alter table "api_key"
      drop column if exists "expires_at",
      drop column if exists "scopes",
      drop column if exists "allowed_origins",
      drop column if exists "rate_limit",
      drop column if exists "metadata";`)
    this.addSql(`alter table "api_key_history" drop constraint if exists "api_key_history_action_check";`)
    // not valid: entries recorded with the newer actions stay readable history.
    this.addSql(`alter table "api_key_history" add constraint "api_key_history_action_check" check ("action" in (${actions(PREVIOUS_ACTIONS)})) not valid;`)
  }
}

const PREVIOUS_ACTIONS = ["created", "title_changed", "revoked", "revocation_scheduled", "rolled", "deleted", "soft_deleted", "restored", "first_used"]

function actions(list: string[]): string {
  return list.map((a) => `'${a}'`).join(", ")
}
