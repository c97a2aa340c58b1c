import type { EntityManager } from "@mikro-orm/postgresql"

const POLL_MIN_MS = 20
const POLL_MAX_MS = 500

/**
 * Runs `callback` once the transaction of `em` has ended, for a transaction this framework did not
 * open (a caller's own `em.transactional`, whose end no hook reports): its PostgreSQL transaction id
 * is read inside it, then watched from another connection with `txid_status` until it is no longer
 * in progress. It also runs after a rollback or when the watch fails: the callback publishes a
 * change notice, and a notice about a change that did not happen only costs a cache a re-read.
 * Works through a transaction-pooling proxy too (both queries are single statements).
 */
export async function afterCommitOf(em: EntityManager, callback: () => void): Promise<void> {
  const connection = em.getConnection()
  const [row] = await connection.execute<{ txid: string }[]>("select txid_current()::text as txid", [], "all", em.getTransactionContext())
  void watch(em, row.txid).finally(callback)
}

async function watch(em: EntityManager, txid: string): Promise<void> {
  const connection = em.getConnection()
  for (let attempt = 0; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** Math.floor(attempt / 4))).unref())
    try {
      // No transaction context: a pool connection, outside the watched transaction.
      const [row] = await connection.execute<{ status: string | null }[]>("select txid_status(?::bigint) as status", [txid], "all")
      if (row.status !== "in progress") return
    } catch {
      if (attempt > 50) return
    }
  }
}
