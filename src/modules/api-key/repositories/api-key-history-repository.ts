import type { EntityManager } from "@mikro-orm/postgresql"
import { ModelRepository } from "../../../framework/modules-sdk/service"
import { nonDefaultSchema } from "../../../framework/modules-sdk/service/repository"
import { ApiKeyHistory, type ApiKeyHistoryRow } from "../models/api-key-history"

type NewHistoryRow = Pick<ApiKeyHistoryRow, "id" | "api_key_id" | "action" | "actor" | "data" | "created_at" | "updated_at">

/** The history's own writes, beside the generic reads it inherits. Every method takes the caller's unit of work. */
export class ApiKeyHistoryRepository extends ModelRepository<ApiKeyHistoryRow> {
  constructor() {
    super(ApiKeyHistory)
  }

  /**
   * Inserts rows, dropping any that a unique index refuses: two processes writing the same key's
   * first use at once record it once (IDX_api_key_history_first_used_unique). Built on the
   * connection rather than the ORM's metadata, because it runs inside every change of a key — also
   * in a caller's transaction whose ORM knows `ApiKey` but not this model.
   */
  async insertOnce(em: EntityManager, rows: NewHistoryRow[]): Promise<void> {
    if (!rows.length) return
    const connection = em.getConnection()
    const schema = nonDefaultSchema(em)
    const table = connection.getKnex()(ApiKeyHistory.tableName)
    const insert = (schema ? table.withSchema(schema) : table)
      .insert(rows.map((row) => ({ ...row, data: JSON.stringify(row.data) })))
      .onConflict()
      .ignore()
    await connection.execute(insert, [], "run", em.getTransactionContext())
  }

  /** Deletes the rows recorded before `before`; returns how many went. */
  deleteRecordedBefore(em: EntityManager, before: Date): Promise<number> {
    return em.nativeDelete(ApiKeyHistory.entity, { created_at: { $lt: before } })
  }
}
