import { model, type InferEntity } from "../../../framework/modules-sdk/model"

export const ApiKeyType = {
  PUBLISHABLE: "publishable",
  SECRET: "secret",
} as const
export type ApiKeyType = (typeof ApiKeyType)[keyof typeof ApiKeyType]

/** `rate_limit` of a key: at most `limit` requests in any `window_s` seconds. */
export interface ApiKeyRateLimit {
  limit: number
  window_s: number
}

/**
 * Medusa's `api_key` table: the only list of its columns. `token` is the token itself for a
 * publishable key and the scrypt hash for a secret one, so it may only be matched exactly (the
 * service lets it match publishable keys only) and never sorted on: no filter can probe a hash.
 * `token_lookup` is this project's addition (null for publishable keys and for secret keys Medusa
 * created): a SHA-256 digest of a secret token, so authenticate finds its one candidate row with
 * an indexed equality lookup instead of hashing against every key. Neither it nor `salt` is ever
 * readable.
 */
export const ApiKey = model
  .define("api_key", {
    id: model.id({ prefix: "apk" }).primaryKey(),
    token: model.text().filterable({ operators: ["$eq", "$in"], sortable: false }),
    salt: model.text().hidden(),
    redacted: model.text().searchable(),
    title: model.text().searchable(),
    type: model.enum([ApiKeyType.PUBLISHABLE, ApiKeyType.SECRET]),
    token_lookup: model.text().nullable().hidden(),
    last_used_at: model.dateTime().nullable(),
    created_by: model.text(),
    revoked_by: model.text().nullable(),
    revoked_at: model.dateTime().nullable(),
    // Beyond Medusa, all optional: a key that uses none of them reads exactly as Medusa's does.
    /** From this instant the key counts as revoked, for every rule. */
    expires_at: model.dateTime().optional(),
    /** A secret key's permissions (`resource:action`, or "*"); null means full access, as in Medusa. */
    scopes: model.json<string[]>().optional(),
    /** A publishable key's browser origins (exact, or `https://*.example.com`); null allows any. */
    allowed_origins: model.json<string[]>().optional(),
    /** Requests allowed per window for this key; null falls back to the module's default. */
    rate_limit: model.json<ApiKeyRateLimit>().optional(),
    /** Free-form JSON object of the owner's, filterable by its top-level keys. */
    metadata: model.json().optional().filterable({ keys: true }),
  })
  .indexes([
    { name: "IDX_api_key_token_unique", on: ["token"], unique: true },
    { name: "IDX_api_key_type", on: ["type"] },
    { name: "IDX_api_key_revoked_at", on: ["revoked_at"] },
    { name: "IDX_api_key_deleted_at", on: ["deleted_at"], where: `"deleted_at" is null` },
    { name: "IDX_api_key_token_lookup_unique", on: ["token_lookup"], unique: true, where: `"token_lookup" is not null` },
    { name: "IDX_api_key_expires_at", on: ["expires_at"], where: `"expires_at" is not null` },
    { name: "IDX_api_key_legacy_redacted", on: ["redacted"], where: `"token_lookup" is null and "type" = 'secret'` },
  ])

/** A stored row, hash, salt and lookup digest included: only the module's own code sees it. */
export type ApiKeyRow = InferEntity<typeof ApiKey>
