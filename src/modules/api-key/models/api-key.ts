import { EntitySchema } from "@mikro-orm/core"

export const ApiKeyType = {
  PUBLISHABLE: "publishable",
  SECRET: "secret",
} as const
export type ApiKeyType = (typeof ApiKeyType)[keyof typeof ApiKeyType]

/**
 * A row of `api_key`. Plain data: the rules live in the service, token handling in
 * services/token. `token_lookup` is this project's addition (null for publishable keys and for
 * secret keys Medusa created): a SHA-256 digest of a secret token, so authenticate finds its one
 * candidate row with an indexed equality lookup instead of hashing against every key.
 */
export class ApiKey {
  id!: string
  token!: string
  salt!: string
  redacted!: string
  title!: string
  type!: ApiKeyType
  token_lookup!: string | null
  last_used_at!: Date | null
  created_by!: string
  revoked_by!: string | null
  revoked_at!: Date | null
  created_at!: Date
  updated_at!: Date
  deleted_at!: Date | null
}

export const ApiKeySchema = new EntitySchema<ApiKey>({
  class: ApiKey,
  tableName: "api_key",
  properties: {
    id: { type: "text", columnType: "text", primary: true },
    token: { type: "text", columnType: "text" },
    salt: { type: "text", columnType: "text", hidden: true },
    redacted: { type: "text", columnType: "text" },
    title: { type: "text", columnType: "text" },
    type: { type: "text", columnType: "text" },
    token_lookup: { type: "text", columnType: "text", nullable: true, hidden: true },
    last_used_at: { type: "datetime", columnType: "timestamptz", nullable: true },
    created_by: { type: "text", columnType: "text" },
    revoked_by: { type: "text", columnType: "text", nullable: true },
    revoked_at: { type: "datetime", columnType: "timestamptz", nullable: true },
    created_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    updated_at: { type: "datetime", columnType: "timestamptz", defaultRaw: "now()" },
    deleted_at: { type: "datetime", columnType: "timestamptz", nullable: true },
  },
})

/** Columns a read may return. `salt` and `token_lookup` are never selectable. */
export const API_KEY_PUBLIC_FIELDS = [
  "id",
  "token",
  "redacted",
  "title",
  "type",
  "last_used_at",
  "created_by",
  "revoked_by",
  "revoked_at",
  "created_at",
  "updated_at",
  "deleted_at",
] as const
export type ApiKeyPublicField = (typeof API_KEY_PUBLIC_FIELDS)[number]
