import { createHash, randomBytes } from "node:crypto"
import { crc32 } from "node:zlib"
import { ApiKeyType } from "../models/api-key"

/**
 * The token formats: generating, redacting, shape-checking and digesting a raw token (scrypt
 * itself is in hasher.ts). Nothing here logs or keeps a token.
 *
 * - "medusa" (Medusa's own, the default): `sk_` / `pk_` + 32 random bytes in hex (64 characters).
 * - "checksummed" (GitHub's token design): `sk_` / `pk_` + the same 32 random bytes in base62
 *   (exactly 43 characters, left-padded with "0") + a 6-character base62 CRC32 checksum of the 46
 *   characters before it, prefix included. A scanner finds it with SCANNER_PATTERN and can tell a
 *   real token from random text offline; a typo or a forgery is refused here without any I/O.
 *
 * Which format new keys get is a module option; both are accepted whatever it says, so keys made
 * before a switch (either way) keep working.
 */

export type TokenFormat = "medusa" | "checksummed"
export const TOKEN_FORMATS: readonly TokenFormat[] = ["medusa", "checksummed"]

const TOKEN_PREFIX = { [ApiKeyType.PUBLISHABLE]: "pk_", [ApiKeyType.SECRET]: "sk_" } as const
const PREFIX_LENGTH = 3

/** Digits, then upper case, then lower case: a number's base62 digits sort like the number. */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
/** 62^43 > 2^256 > 62^42: 43 characters hold any 32 bytes. */
const RANDOM_LENGTH = 43
/** 62^6 > 2^32: 6 characters hold any CRC32. */
const CHECKSUM_LENGTH = 6

const MEDUSA_TOKEN = /^(sk|pk)_[0-9a-f]{64}$/
const CHECKSUMMED_TOKEN = /^(sk|pk)_[0-9A-Za-z]{49}$/
/** "sk_" + 64 hex characters. */
export const SECRET_TOKEN_LENGTH = 67
/** "sk_" + 43 + 6 base62 characters. */
export const CHECKSUMMED_TOKEN_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH

/** What a secret scanner looks for (checksummed tokens only: Medusa's hex tokens carry no checksum). */
export const SCANNER_PATTERN = /\b(sk|pk)_[0-9A-Za-z]{49}\b/

export function generateToken(type: ApiKeyType, format: TokenFormat = "medusa"): string {
  const random = randomBytes(32)
  if (format === "medusa") return TOKEN_PREFIX[type] + random.toString("hex")
  const body = TOKEN_PREFIX[type] + toBase62(BigInt(`0x${random.toString("hex")}`), RANDOM_LENGTH)
  return body + checksumOf(body)
}

/** The 6-character base62 CRC32 (zlib's, IEEE) of the token's first 46 ASCII characters. */
function checksumOf(body: string): string {
  return toBase62(BigInt(crc32(body)), CHECKSUM_LENGTH)
}

function toBase62(value: bigint, length: number): string {
  let digits = ""
  for (let i = 0; i < length; i++) {
    digits = BASE62[Number(value % 62n)] + digits
    value /= 62n
  }
  return digits
}

/** A token whose shape is right; for a checksummed one, whose checksum holds too. */
export interface ParsedToken {
  type: ApiKeyType
  format: TokenFormat
}

/**
 * Cheap shape check done before any cache, database or scrypt work, so malformed input (wrong
 * prefix, length, alphabet or checksum, non-strings, megabyte strings) costs microseconds.
 * Null for anything that cannot be a token of either format.
 */
export function parseToken(input: unknown): ParsedToken | null {
  if (typeof input !== "string") return null
  const type = input.startsWith("sk_") ? ApiKeyType.SECRET : input.startsWith("pk_") ? ApiKeyType.PUBLISHABLE : null
  if (type === null) return null
  if (input.length === SECRET_TOKEN_LENGTH && MEDUSA_TOKEN.test(input)) return { type, format: "medusa" }
  if (hasChecksummedShape(input) && hasValidChecksum(input)) return { type, format: "checksummed" }
  return null
}

function hasChecksummedShape(input: string): boolean {
  return input.length === CHECKSUMMED_TOKEN_LENGTH && CHECKSUMMED_TOKEN.test(input)
}

function hasValidChecksum(token: string): boolean {
  const split = token.length - CHECKSUM_LENGTH
  return checksumOf(token.slice(0, split)) === token.slice(split)
}

/** A well-formed secret token of either format (the only input `authenticate` looks up). */
export function isWellFormedSecretToken(input: unknown): input is string {
  return parseToken(input)?.type === ApiKeyType.SECRET
}

/**
 * True for a token in the checksummed shape whose checksum does not hold: a typo or a guess,
 * refused before any lookup. (Anything else that is not a token is left to the caller's rules:
 * the store guard still looks up publishable tokens of shapes this module never made.)
 */
export function failsTokenChecksum(input: unknown): boolean {
  return typeof input === "string" && hasChecksummedShape(input) && !hasValidChecksum(input)
}

/** Medusa's redacted form: first 6 characters, `***`, last 3 (e.g. `sk_44d***3be`). */
export function redactToken(token: string): string {
  return `${token.slice(0, 6)}***${token.slice(-3)}`
}

/** The indexed lookup digest of a secret token (SHA-256, hex). */
export function tokenLookupDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex")
}

/** True when a stored hash is in Medusa's legacy format rather than scrypt-kdf's. */
export function isMedusaLegacyHash(hash: string): boolean {
  return /^[0-9a-f]{128}$/.test(hash)
}
