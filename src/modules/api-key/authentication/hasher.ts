import { randomBytes, scrypt as nodeScrypt, timingSafeEqual } from "node:crypto"
import Scrypt from "scrypt-kdf"
import type { HashFormat } from "../types/options"
import type { ScryptLimiter } from "./scrypt-limiter"

/**
 * The only place that runs scrypt. Verifications on the authentication path go through the
 * limiter (bounded concurrency, refusal when full); hashing for a create does not, so an
 * admin's create is never refused because of an authentication flood. Counters are exposed in
 * the module's authentication stats, so tests and the benchmark see how much scrypt work ran.
 */

export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/** Medusa hashes at N=2^14, r=8; the same cost here keeps creates as fast as Medusa's. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 14, r: 8, p: 1 }

export interface HashedSecret {
  /** The scrypt-kdf key, base64 (it embeds parameters, salt, checksum and HMAC). */
  hash: string
  /** The salt inside that key, hex: kept in `salt` as Medusa's schema has that column. */
  salt: string
}

// scrypt-kdf key layout: "scrypt"(6) version(1) logN(1) r(4) p(4) salt(32) ...
const KDF_SALT_OFFSET = 16
const KDF_SALT_LENGTH = 32

export class SecretHasher {
  /** scrypt derivations run by this instance, for stats. */
  readonly counters = { hashes: 0, verifications: 0 }

  constructor(
    private readonly params: ScryptParams,
    private readonly limiter: ScryptLimiter,
    private readonly format: HashFormat = "scrypt-kdf"
  ) {}

  /** A new key's hash, in the module's format at its cost. `limited` for work on the authentication path. */
  async hash(token: string, options: { limited?: boolean } = {}): Promise<HashedSecret> {
    if (this.format === "medusa") return this.hashMedusa(token, options.limited)
    const key = Buffer.from(
      await this.run(options.limited, () => {
        this.counters.hashes++
        return Scrypt.kdf(token, this.params)
      })
    )
    return {
      hash: key.toString("base64"),
      salt: key.subarray(KDF_SALT_OFFSET, KDF_SALT_OFFSET + KDF_SALT_LENGTH).toString("hex"),
    }
  }

  /** Medusa's format (see verifyMedusaLegacy), with a 16-byte hex salt as Medusa draws one. */
  private async hashMedusa(token: string, limited: boolean | undefined): Promise<HashedSecret> {
    const salt = randomBytes(16).toString("hex")
    const derived = await this.run(limited, () => {
      this.counters.hashes++
      return deriveMedusa(token, salt)
    })
    return { hash: derived.toString("hex"), salt }
  }

  /** Constant-time verification (scrypt-kdf compares with timingSafeEqual); limited. */
  verify(token: string, hash: string): Promise<boolean> {
    return this.run(true, async () => {
      this.counters.verifications++
      try {
        return await Scrypt.verify(hash, token)
      } catch {
        // A corrupted or foreign hash is a failed verification, not a crash of the request.
        return false
      }
    })
  }

  /**
   * Medusa's own format: hex of crypto.scrypt(token, salt, 64) with N=16384, r=8, p=1. A key found
   * only by its redacted form is verified through the LegacyGuard (not limited here); one found by
   * its lookup digest goes through the main limiter (`limited`), like any current key.
   */
  async verifyMedusaLegacy(token: string, salt: string, hash: string, options: { limited?: boolean } = {}): Promise<boolean> {
    const expected = Buffer.from(hash, "hex")
    if (expected.length !== 64) return false
    const derived = await this.run(options.limited, () => {
      this.counters.verifications++
      return deriveMedusa(token, salt)
    })
    return timingSafeEqual(derived, expected)
  }

  /** A full limiter throws ScryptQueueFullError, which is not a verification result. */
  private run<T>(limited: boolean | undefined, work: () => Promise<T>): Promise<T> {
    return limited ? this.limiter.run(work) : work()
  }
}

/** scrypt as Medusa's module runs it: node's defaults (N=2^14, r=8, p=1), 64 bytes. */
function deriveMedusa(token: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => nodeScrypt(token, salt, 64, (error, key) => (error ? reject(error) : resolve(key))))
}
