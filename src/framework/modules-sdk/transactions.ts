import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import type { Context } from "./context"
import { currentEventGroupId, withEventGroup } from "./event-groups"

/**
 * Units of work. A method joins the caller's transaction when its context carries one, else it
 * opens its own on a fresh fork of the entity manager (never the global one).
 *
 * Transactions opened here keep a list of callbacks to run once they have ended (committed or
 * rolled back): a cache must forget a changed row only when no reader can still see the old one,
 * which is after the outermost transaction ends, not when the write statement ran.
 */

type Callback = () => void
interface EndCallback {
  callback: Callback
  /** Run only when the transaction committed (events), not after a rollback. */
  onCommitOnly: boolean
}

/** Transactions opened by withTransaction, by their entity manager: their end callbacks. */
const endCallbacks = new WeakMap<EntityManager, EndCallback[]>()

export async function withTransaction<T>(orm: MikroORM, sharedContext: Context | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
  // A caller's event group (Medusa passes `eventGroupId` in the context) groups the events of this work.
  const group = sharedContext?.eventGroupId
  if (group && group !== currentEventGroupId()) return withEventGroup(group, () => withTransaction(orm, sharedContext, work))
  const outer = sharedContext?.transactionManager
  if (outer) return work(outer)
  const callbacks: EndCallback[] = []
  let committed = false
  try {
    const result = await orm.em.fork().transactional(async (em) => {
      endCallbacks.set(em, callbacks)
      return work(em)
    })
    committed = true
    return result
  } finally {
    for (const { callback, onCommitOnly } of callbacks.splice(0)) if (committed || !onCommitOnly) callback()
  }
}

/**
 * Runs `callback` once the transaction of `em` has ended. Returns false when `em` is a
 * transaction this helper did not open (a caller's own `em.transactional`): its end cannot be
 * observed here, and the caller must rely on another signal (the change feed's own notification,
 * which PostgreSQL delivers only after the commit).
 */
export function onTransactionEnd(em: EntityManager, callback: Callback): boolean {
  const callbacks = endCallbacks.get(em)
  if (callbacks) {
    callbacks.push({ callback, onCommitOnly: false })
    return true
  }
  if (!em.isInTransaction()) {
    callback()
    return true
  }
  return false
}

/**
 * Runs `callback` once the transaction of `em` has committed, never after a rollback: at once
 * outside a transaction, after the outermost commit in a transaction opened by withTransaction,
 * and in a caller's own transaction (`em.transactional` of another ORM, nested or not) once
 * PostgreSQL reports that transaction committed — `statusOrm` asks it then, on a connection
 * outside that transaction.
 */
export function onTransactionCommit(em: EntityManager, callback: Callback, statusOrm?: MikroORM): void {
  const callbacks = endCallbacks.get(em)
  if (callbacks) callbacks.push({ callback, onCommitOnly: true })
  else if (!em.isInTransaction()) callback()
  else afterForeignCommit(em, callback, statusOrm ?? em)
}

/** What a knex transaction object offers (MikroORM 6's transaction context). */
interface KnexTransaction {
  /** Settles when the transaction has ended, committed or rolled back (knex resolves both). */
  executionPromise?: Promise<unknown>
  /** The enclosing transaction of a savepoint. */
  parentTransaction?: KnexTransaction
}

/** How a caller's transaction ended, as PostgreSQL reports it; "unknown" when it could not be asked. */
export type TransactionOutcome = "committed" | "rolled back" | "unknown"

export interface CallerTransactionWatch {
  /** Settles once the transaction's id has been read inside it (await it before letting the caller commit). */
  idRead: Promise<unknown>
  outcome: Promise<TransactionOutcome>
}

/** Each caller's transaction being watched, by its outermost knex transaction. */
const foreignOutcomes = new WeakMap<object, CallerTransactionWatch>()

const POLL_MIN_MS = 20
const POLL_MAX_MS = 500

/**
 * The outermost transaction of `em`'s and the promise that settles when it ends, from knex's
 * transaction object (MikroORM 6 awaits the same `executionPromise` on commit). Undefined when
 * the library no longer offers them; a test pins this down.
 */
export function rootTransactionOf(em: EntityManager): { root: object; ended: Promise<unknown> } | undefined {
  let transaction = em.getTransactionContext<KnexTransaction>()
  while (transaction?.parentTransaction) transaction = transaction.parentTransaction
  const ended = transaction?.executionPromise
  return transaction && ended && typeof ended.then === "function" ? { root: transaction, ended } : undefined
}

/**
 * A caller's transaction (its own `em.transactional`) gives no hook, but PostgreSQL knows how every
 * transaction ended: its id is read inside it (once per transaction), and once it has ended —
 * knex's promise when the library offers it, else by polling — `txid_status` asked on a connection
 * outside it says how. Both queries are single statements, so this works through a
 * transaction-pooling proxy too. A savepoint the caller rolls back inside a transaction that
 * commits is not seen (its writes are gone, the transaction still reports "committed").
 */
export function watchCallerTransaction(em: EntityManager, statusManager: MikroORM | EntityManager = em): CallerTransactionWatch {
  const transaction = rootTransactionOf(em)
  const memo = transaction && foreignOutcomes.get(transaction.root)
  if (memo) return memo
  const statusConnection = () => ("em" in statusManager ? statusManager.em.getConnection() : statusManager.getConnection())
  const status = async (xid: string) => {
    const row = await statusConnection().execute<{ status: string | null }>("select txid_status(?::bigint) as status", [xid], "get")
    return row?.status ?? null
  }
  const idRead = em
    .getConnection()
    .execute<{ xid: string }>("select txid_current()::text as xid", [], "get", em.getTransactionContext())
    .then((row) => row?.xid, () => undefined)
  const outcome = (async (): Promise<TransactionOutcome> => {
    const xid = await idRead
    if (xid === undefined) return "unknown"
    if (transaction) await transaction.ended.catch(() => undefined)
    // Polled while it is still in progress (no promise from the library, or one that settled a
    // moment before PostgreSQL's commit), however long the caller keeps it open; only repeated
    // failures to ask end the watch.
    for (let attempt = 0, failures = 0; failures <= 50; attempt++) {
      const current = await status(xid).then(
        (value) => value,
        () => (failures++, "failed" as const)
      )
      if (current === "committed") return "committed"
      if (current === "aborted") return "rolled back"
      if (current === null) return "unknown"
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** Math.floor(attempt / 4))).unref())
    }
    return "unknown"
  })()
  const watch = { idRead, outcome }
  if (transaction) foreignOutcomes.set(transaction.root, watch)
  return watch
}

/** Events of a caller's transaction: emitted once it has committed, never after a rollback. */
function afterForeignCommit(em: EntityManager, callback: Callback, statusManager: MikroORM | EntityManager): void {
  void watchCallerTransaction(em, statusManager).outcome.then((outcome) => {
    if (outcome === "committed") callback()
  })
}

export function readManager(orm: MikroORM, sharedContext?: Context): EntityManager {
  return sharedContext?.transactionManager ?? sharedContext?.manager ?? orm.em.fork()
}

/** One fork per ORM for plain selects (see selectManager). */
const selectManagers = new WeakMap<MikroORM, EntityManager>()

/**
 * An entity manager for the repositories' plain selects, which return rows, never entities, and
 * so leave a unit of work empty: the caller's transaction if any, else one fork per ORM kept for
 * them (a fork per read cost about 9 µs and a unit of work's garbage on every admin read). Anything
 * that loads, persists or flushes entities takes its own unit of work from readManager or
 * withTransaction instead.
 */
export function selectManager(orm: MikroORM, sharedContext?: Context): EntityManager {
  const given = sharedContext?.transactionManager ?? sharedContext?.manager
  if (given) return given
  let manager = selectManagers.get(orm)
  if (!manager) {
    manager = orm.em.fork()
    selectManagers.set(orm, manager)
  }
  return manager
}
