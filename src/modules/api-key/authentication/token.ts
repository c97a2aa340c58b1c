import { createHash, randomBytes } from "node:crypto"
import { ApiKeyType } from "../models/api-key"

/**
 * The token format: generating, redacting, shape-checking and digesting a raw token (scrypt
 * itself is in hasher.ts). Nothing here logs or keeps a token.
 */

const TOKEN_PREFIX = { [ApiKeyType.PUBLISHABLE]: "pk_", [ApiKeyType.SECRET]: "sk_" } as const
const SECRET_TOKEN_PATTERN = /^sk_[0-9a-f]{64}$/
/** "sk_" + 64 hex characters. */
export const SECRET_TOKEN_LENGTH = 67

export function generateToken(type: ApiKeyType): string {
  return TOKEN_PREFIX[type] + randomBytes(32).toString("hex")
}

/** Medusa's redacted form: first 6 characters, `***`, last 3 (e.g. `sk_44d***3be`). */
export function redactToken(token: string): string {
  return `${token.slice(0, 6)}***${token.slice(-3)}`
}

/**
 * Cheap shape check done before any database or scrypt work, so malformed input (wrong prefix,
 * length or alphabet, non-strings, megabyte strings) costs microseconds.
 */
export function isWellFormedSecretToken(input: unknown): input is string {
  return typeof input === "string" && input.length === SECRET_TOKEN_LENGTH && SECRET_TOKEN_PATTERN.test(input)
}

/** The indexed lookup digest of a secret token. */
export function tokenLookupDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex")
}

/** True when a stored hash is in Medusa's legacy format rather than scrypt-kdf's. */
export function isMedusaLegacyHash(hash: string): boolean {
  return /^[0-9a-f]{128}$/.test(hash)
}
