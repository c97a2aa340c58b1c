/**
 * What a scope is and how scopes match, for every part that reads them: the api key module (which
 * validates the scopes a key holds) and the HTTP host (whose `authorize` checks them per route).
 * A scope is `resource:action`. A holder without scopes (null or absent) has full access, as every
 * key has in Medusa; `*` is the same, said explicitly; `resource:*` grants every action on one
 * resource.
 */

export const FULL_ACCESS_SCOPE = "*"

/** `resource:action`: lower-case words with underscores; the action may be `*`. */
const SCOPE_SHAPE = /^([a-z][a-z0-9_]*):([a-z][a-z0-9_]*|\*)$/

export function parseScope(scope: string): { resource: string; action: string } | null {
  const match = SCOPE_SHAPE.exec(scope)
  return match ? { resource: match[1], action: match[2] } : null
}

/** Whether the holder of `granted` (null or absent: full access) has full access. */
export function hasFullAccess(granted: readonly string[] | null | undefined): boolean {
  return granted === null || granted === undefined || granted.includes(FULL_ACCESS_SCOPE)
}

/** Whether a holder of `granted` (null: full access) may do `required`. */
export function scopesAllow(granted: readonly string[] | null | undefined, required: string): boolean {
  if (hasFullAccess(granted) || granted!.includes(required)) return true
  const parsed = parseScope(required)
  return parsed !== null && granted!.includes(`${parsed.resource}:*`)
}

/** Whether every scope of `requested` (null: full access) is within `granted`. */
export function scopesWithin(requested: readonly string[] | null | undefined, granted: readonly string[] | null | undefined): boolean {
  if (hasFullAccess(granted)) return true
  if (hasFullAccess(requested)) return false
  return requested!.every((scope) => {
    const parsed = parseScope(scope)
    if (parsed?.action === "*") return granted!.includes(scope)
    return scopesAllow(granted, scope)
  })
}

/** Scopes as a message shows them: "full access" for none or `*`. */
export function describeScopes(scopes: readonly string[] | null | undefined): string {
  if (hasFullAccess(scopes)) return "full access"
  return scopes!.length ? scopes!.join(", ") : "no scopes"
}
