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

interface ForeignTransaction {
  /** The transaction's id (txid_current()), read inside it. */
  xid: Promise<string | undefined>
  callbacks: Callback[]
}

/** Callbacks waiting for the commit of a caller's transaction, by its outermost knex transaction. */
const foreignTransactions = new WeakMap<object, ForeignTransaction>()

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
 * A caller's transaction gives no commit hook, but PostgreSQL knows how every transaction ended:
 * its id is read inside it (once per transaction), and when the outermost transaction has ended,
 * `txid_status` says whether it committed. A savepoint the caller rolls back inside a transaction
 * that commits is not seen (its writes are gone, its callbacks still run).
 */
function afterForeignCommit(em: EntityManager, callback: Callback, statusManager: MikroORM | EntityManager): void {
  const transaction = rootTransactionOf(em)
  if (!transaction) {
    callback()
    return
  }
  let foreign = foreignTransactions.get(transaction.root)
  if (!foreign) {
    const pending: ForeignTransaction = {
      xid: em
        .getConnection()
        .execute<{ xid: string }>("select txid_current()::text as xid", [], "get", em.getTransactionContext())
        .then((row) => row?.xid, () => undefined),
      callbacks: [],
    }
    foreign = pending
    foreignTransactions.set(transaction.root, pending)
    const settle = async () => {
      const xid = await pending.xid
      if (xid === undefined) return
      const connection = "em" in statusManager ? statusManager.em.getConnection() : statusManager.getConnection()
      const row = await connection.execute<{ status: string | null }>("select txid_status(?::bigint) as status", [xid], "get").catch(() => undefined)
      if (row?.status === "committed") for (const run of pending.callbacks.splice(0)) run()
    }
    transaction.ended.then(settle, settle).catch(() => undefined)
  }
  foreign.callbacks.push(callback)
}

/** An entity manager for reads: the caller's transaction if any, else a fresh fork. */
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
