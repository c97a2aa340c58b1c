import type { EntityManager } from "@mikro-orm/postgresql"
import { ModelRepository } from "../../../framework/modules-sdk/service"
import { ApiKey, ApiKeyType, type ApiKeyRow } from "../models/api-key"
import { activeApiKeyCondition } from "../utils/active"

const notDeleted = { deleted_at: null }

/**
 * The api key module's own queries, beside the generic ones it inherits: the authentication
 * lookup, the secret-key limit's lock and count, revocation, and the last-used writes. Every
 * method takes the entity manager of the caller's unit of work.
 */
export class ApiKeyRepository extends ModelRepository<ApiKeyRow> {
  constructor() {
    super(ApiKey)
  }

  async revoke(em: EntityManager, ids: string[], revokedAt: Date, revokedBy: string | null, now: Date): Promise<void> {
    await this.update(em, ids, { revoked_at: revokedAt, revoked_by: revokedBy }, now)
  }

  /** Ids among `ids` that are still active (neither revoked nor expired, or only in the future). */
  async findActiveIds(em: EntityManager, ids: string[], now: Date): Promise<string[]> {
    if (!ids.length) return []
    const rows = await this.select(em, { $and: [{ id: { $in: ids } }, activeApiKeyCondition(now)] }, { fields: ["id"], orderBy: { id: "asc" } })
    return rows.map((r) => r.id)
  }

  /**
   * Serialises secret-key creation for one limit scope until the transaction ends, so two
   * concurrent creates cannot both see "no active key" and both insert.
   */
  async lockSecretKeyScope(em: EntityManager, scope: string): Promise<void> {
    await em.getConnection().execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`api_key:secret:${scope}`], "all", em.getTransactionContext())
  }

  countActiveSecretKeys(em: EntityManager, now: Date, createdBy?: string): Promise<number> {
    const scope = { type: ApiKeyType.SECRET, ...notDeleted, ...(createdBy !== undefined ? { created_by: createdBy } : {}) }
    return this.count(em, { $and: [scope, activeApiKeyCondition(now)] })
  }

  /**
   * The single indexed query of authenticate: the key whose lookup digest matches, or a key
   * Medusa created (no digest yet) with the same redacted form — `redacted` is null for a token
   * Medusa cannot have made (a checksummed one). Revoked and deleted keys are filtered here, so
   * they never cost a scrypt verification.
   */
  findAuthenticationCandidates(em: EntityManager, lookup: string, redacted: string | null, now: Date): Promise<ApiKeyRow[]> {
    const match = redacted === null ? { token_lookup: lookup } : { $or: [{ token_lookup: lookup }, { token_lookup: null, redacted }] }
    return this.select(em, { $and: [match, { type: ApiKeyType.SECRET, ...notDeleted }, activeApiKeyCondition(now)] }, { limit: 2 })
  }

  /**
   * One query for a whole leak report: the active keys its tokens may belong to — secret keys
   * by lookup digest, keys Medusa created (no digest yet) by redacted form (to be verified by the
   * caller), publishable keys by their token.
   */
  findLeakCandidates(em: EntityManager, tokens: { lookups: string[]; legacyRedacted: string[]; publishable: string[] }, now: Date): Promise<ApiKeyRow[]> {
    const match: Record<string, unknown>[] = []
    if (tokens.lookups.length) match.push({ type: ApiKeyType.SECRET, token_lookup: { $in: tokens.lookups } })
    if (tokens.legacyRedacted.length) match.push({ type: ApiKeyType.SECRET, token_lookup: null, redacted: { $in: tokens.legacyRedacted } })
    if (tokens.publishable.length) match.push({ type: ApiKeyType.PUBLISHABLE, token: { $in: tokens.publishable } })
    if (!match.length) return Promise.resolve([])
    return this.select(em, { $and: [{ $or: match }, notDeleted, activeApiKeyCondition(now)] })
  }

  /**
   * Gives a Medusa-created key its lookup digest. Its hash and salt stay as Medusa wrote them, so
   * the store can switch back to Medusa's own module with nothing to undo.
   */
  async setLookupDigest(em: EntityManager, id: string, lookup: string): Promise<void> {
    await em.nativeUpdate(ApiKey.entity, { id, token_lookup: null }, { token_lookup: lookup })
  }

  /**
   * Moves `last_used_at` forward to `at` in one UPDATE and returns the ids whose value was null
   * before: their first use. The joined copy of the row gives that previous value (PostgreSQL 15
   * has no OLD in RETURNING). Under a concurrent writer of the same key the copy may be stale;
   * the history's unique first-use index keeps such a race from recording a first use twice.
   */
  async touchLastUsed(em: EntityManager, ids: string[], at: Date): Promise<string[]> {
    if (!ids.length) return []
    const table = this.sqlTable(em)
    const rows = await em.getConnection().execute<{ id: string; previous: Date | null }[]>(
      `update ${table} set "last_used_at" = ? from ${table} as "previous"
       where "previous"."id" = ${table}."id" and ${table}."id" in (?)
         and (${table}."last_used_at" is null or ${table}."last_used_at" < ?)
       returning ${table}."id", "previous"."last_used_at" as "previous"`,
      [at, ids, at],
      "all",
      em.getTransactionContext()
    )
    return rows.filter((row) => row.previous === null).map((row) => row.id)
  }
}
