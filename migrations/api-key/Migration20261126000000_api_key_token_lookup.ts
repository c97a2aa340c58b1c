import { Migration } from "@mikro-orm/migrations"

/**
 * Constant-work authentication. `token_lookup` holds a SHA-256 digest of a secret token (not
 * recoverable into the token: the token has 256 random bits). Keys Medusa created have no digest
 * yet; they are found by their `redacted` form through the partial index below and get a digest
 * on their first successful authentication.
 */
export class Migration20261126000000_api_key_token_lookup extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "api_key" add column if not exists "token_lookup" text null;`)
    this.addSql(
      `create unique index if not exists "IDX_api_key_token_lookup_unique" on "api_key" ("token_lookup") where "token_lookup" is not null;`
    )
    this.addSql(
      `create index if not exists "IDX_api_key_legacy_redacted" on "api_key" ("redacted") where "token_lookup" is null and "type" = 'secret';`
    )
  }

  async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_api_key_legacy_redacted";`)
    this.addSql(`drop index if exists "IDX_api_key_token_lookup_unique";`)
    this.addSql(`alter table "api_key" drop column if exists "token_lookup";`)
  }
}
