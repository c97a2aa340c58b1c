/**
 * The permissions a secret key can be limited to, as `resource:action`. A key without scopes
 * (null) has full access, as every key has in Medusa; `*` is the same, said explicitly;
 * `resource:*` grants every action on one resource. An app adds its own resources with the module
 * option `customScopes`, and checks them on its routes with `authorize("resource:action")`.
 */
export const API_KEY_SCOPES = {
  "api_key:read": "List and read api keys and their history",
  "api_key:write": "Create, update, revoke, roll and delete api keys; link them to sales channels",
  "sales_channel:read": "List and read sales channels",
  "sales_channel:write": "Create, update and delete sales channels",
} as const

export type BuiltInApiKeyScope = keyof typeof API_KEY_SCOPES

export const FULL_ACCESS_SCOPE = "*"

/** `resource:action`: lower-case words with underscores; the action may be `*`. */
const SCOPE_SHAPE = /^([a-z][a-z0-9_]*):([a-z][a-z0-9_]*|\*)$/

export function parseScope(scope: string): { resource: string; action: string } | null {
  const match = SCOPE_SHAPE.exec(scope)
  return match ? { resource: match[1], action: match[2] } : null
}

/** Whether a key holding `granted` (null: full access) may do `required`. */
export function scopesAllow(granted: readonly string[] | null | undefined, required: string): boolean {
  if (granted === null || granted === undefined) return true
  if (granted.includes(FULL_ACCESS_SCOPE) || granted.includes(required)) return true
  const parsed = parseScope(required)
  return parsed !== null && granted.includes(`${parsed.resource}:*`)
}

/** Whether every scope of `requested` (null: full access) is within `granted`. */
export function scopesWithin(requested: readonly string[] | null | undefined, granted: readonly string[] | null | undefined): boolean {
  if (granted === null || granted === undefined || granted.includes(FULL_ACCESS_SCOPE)) return true
  if (requested === null || requested === undefined || requested.includes(FULL_ACCESS_SCOPE)) return false
  return requested.every((scope) => {
    const parsed = parseScope(scope)
    if (parsed?.action === "*") return granted.includes(scope)
    return scopesAllow(granted, scope)
  })
}
