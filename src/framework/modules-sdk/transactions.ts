import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import type { Context } from "./context"

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
 * Runs `callback` once the transaction of `em` has committed (never after a rollback). In a
 * transaction this helper did not open, it runs at once: that commit cannot be observed here.
 */
export function onTransactionCommit(em: EntityManager, callback: Callback): void {
  const callbacks = endCallbacks.get(em)
  if (callbacks) callbacks.push({ callback, onCommitOnly: true })
  else callback()
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
