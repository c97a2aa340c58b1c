import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import type { Context } from "../modules-sdk/context"
import { readManager } from "../modules-sdk/database"
import type { ApiKey } from "../models/api-key"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import {
  DEFAULT_SCRYPT_PARAMS,
  hashSecretToken,
  isMedusaLegacyHash,
  isWellFormedSecretToken,
  redactToken,
  tokenLookupDigest,
  verifyMedusaLegacyToken,
  verifySecretToken,
  type ScryptParams,
} from "./token"

/**
 * The authenticate hot path, each step a named method:
 * reject malformed input (no I/O) → one indexed query by lookup digest → one scrypt verification.
 */
export class TokenAuthenticator {
  constructor(
    private readonly orm: MikroORM,
    private readonly repository: ApiKeyRepository,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT_PARAMS
  ) {}

  async authenticate(token: unknown, sharedContext?: Context): Promise<ApiKey | null> {
    if (!isWellFormedSecretToken(token)) {
      return null
    }
    const em = readManager(this.orm, sharedContext)
    const lookup = tokenLookupDigest(token)
    const candidates = await this.repository.findAuthenticationCandidates(em, lookup, redactToken(token), new Date())
    const current = candidates.find((key) => key.token_lookup === lookup)
    if (current) {
      return (await verifySecretToken(token, current.token)) ? current : null
    }
    const legacy = candidates.find((key) => key.token_lookup === null && isMedusaLegacyHash(key.token))
    if (legacy && (await verifyMedusaLegacyToken(token, legacy.salt, legacy.token))) {
      await this.upgradeLegacyKey(em, legacy, token)
      return legacy
    }
    return null
  }

  /**
   * A key Medusa created (hex scrypt with a separate salt, no digest) is rewritten in this
   * module's format once its token is known, so later calls take the indexed path.
   */
  private async upgradeLegacyKey(em: EntityManager, key: ApiKey, token: string): Promise<void> {
    const hashed = await hashSecretToken(token, this.scrypt)
    await this.repository.upgradeHash(em, key.id, { token: hashed.hash, salt: hashed.salt, token_lookup: tokenLookupDigest(token) })
  }

  /** Called inside the transaction that revokes, deletes or restores keys. */
  async onKeysChanged(_em: EntityManager, _ids: string[]): Promise<void> {}

  async close(): Promise<void> {}
}
