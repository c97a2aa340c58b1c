import { createHash, randomBytes, scrypt as nodeScrypt, timingSafeEqual } from "node:crypto"
import Scrypt from "scrypt-kdf"
import { ApiKeyType } from "../models/api-key"
import type { ScryptLimiter } from "./scrypt-limiter"

/**
 * Everything that touches a raw token lives here: generating, hashing, verifying, redacting and
 * digesting it. Nothing in this file logs or keeps a token.
 */

export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/** Medusa hashes at N=2^14, r=8; the same cost here keeps creates as fast as Medusa's. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 14, r: 8, p: 1 }

const TOKEN_PREFIX = { [ApiKeyType.PUBLISHABLE]: "pk_", [ApiKeyType.SECRET]: "sk_" } as const
const SECRET_TOKEN_PATTERN = /^sk_[0-9a-f]{64}$/
/** "sk_" + 64 hex characters. */
export const SECRET_TOKEN_LENGTH = 67

/** How many scrypt derivations this process has run; read by tests and the benchmark. */
export const scryptCounters = { hashes: 0, verifications: 0 }

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

export interface HashedSecret {
  /** The scrypt-kdf key, base64 (it embeds parameters, salt, checksum and HMAC). */
  hash: string
  /** The salt inside that key, hex: kept in `salt` as Medusa's schema has that column. */
  salt: string
}

// scrypt-kdf key layout: "scrypt"(6) version(1) logN(1) r(4) p(4) salt(32) ...
const KDF_SALT_OFFSET = 16
const KDF_SALT_LENGTH = 32

/**
 * Runs scrypt work through the caller's limiter when it has one (authenticate does; creating keys
 * does not, so an admin's create is never refused because of an authentication flood). A full
 * limiter throws ScryptQueueFullError, which is not a verification result.
 */
function limited<T>(limiter: ScryptLimiter | undefined, work: () => Promise<T>): Promise<T> {
  return limiter ? limiter.run(work) : work()
}

export async function hashSecretToken(token: string, params: ScryptParams, limiter?: ScryptLimiter): Promise<HashedSecret> {
  const key = Buffer.from(
    await limited(limiter, () => {
      scryptCounters.hashes++
      return Scrypt.kdf(token, params)
    })
  )
  return {
    hash: key.toString("base64"),
    salt: key.subarray(KDF_SALT_OFFSET, KDF_SALT_OFFSET + KDF_SALT_LENGTH).toString("hex"),
  }
}

/** Constant-time verification (scrypt-kdf compares with timingSafeEqual). */
export async function verifySecretToken(token: string, hash: string, limiter?: ScryptLimiter): Promise<boolean> {
  return limited(limiter, async () => {
    scryptCounters.verifications++
    try {
      return await Scrypt.verify(hash, token)
    } catch {
      // A corrupted or foreign hash is a failed verification, not a crash of the request.
      return false
    }
  })
}

/** Medusa's own format: hex of crypto.scrypt(token, salt, 64) with N=16384, r=8, p=1. */
export async function verifyMedusaLegacyToken(token: string, salt: string, hash: string, limiter?: ScryptLimiter): Promise<boolean> {
  const expected = Buffer.from(hash, "hex")
  if (expected.length !== 64) {
    return false
  }
  const derived = await limited(limiter, () => {
    scryptCounters.verifications++
    return new Promise<Buffer>((resolve, reject) =>
      nodeScrypt(token, salt, 64, (error, key) => (error ? reject(error) : resolve(key)))
    )
  })
  return timingSafeEqual(derived, expected)
}

/** True when a stored hash is in Medusa's legacy format rather than scrypt-kdf's. */
export function isMedusaLegacyHash(hash: string): boolean {
  return /^[0-9a-f]{128}$/.test(hash)
}
