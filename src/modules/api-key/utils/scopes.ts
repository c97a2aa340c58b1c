/**
 * The permissions a secret key can be limited to, as `resource:action`. A key without scopes
 * (null) has full access, as every key has in Medusa; `*` is the same, said explicitly;
 * `resource:*` grants every action on one resource. An app adds its own resources with the module
 * option `customScopes`, and checks them on its routes with `authorize("resource:action")`.
 * How scopes match is the HTTP host's, shared with `authorize` (framework/http/auth/scopes).
 */
export const API_KEY_SCOPES = {
  "api_key:read": "List and read api keys and their history",
  "api_key:write": "Create, update, revoke, roll and delete api keys; link them to sales channels",
  "sales_channel:read": "List and read sales channels",
  "sales_channel:write": "Create, update and delete sales channels",
} as const

export type BuiltInApiKeyScope = keyof typeof API_KEY_SCOPES

export { FULL_ACCESS_SCOPE, parseScope, scopesAllow, scopesWithin } from "../../../framework/http/auth/scopes"
