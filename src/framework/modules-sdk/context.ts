import type { EntityManager } from "@mikro-orm/postgresql"

/**
 * Passed as the last argument of every public service method. A caller that already holds a
 * transaction hands it in as `transactionManager`, and the method joins it instead of opening
 * its own; this is how a workflow step or another service makes several calls atomic.
 */
export interface Context {
  transactionManager?: EntityManager
  manager?: EntityManager
  /** Set by the HTTP layer or workflows for tracing; not used for authorisation. */
  requestId?: string
  /**
   * Who asked for the change (a user id, an api key id, "cli" …), for the records a module keeps
   * of its changes (the api key history). Medusa's methods have no actor argument for updates and
   * deletes, so it travels here; it is never used for authorisation.
   */
  actor?: string
  /**
   * The event group of a workflow run (Medusa's): the module events of this call are held by the
   * event bus until the run releases or clears the group.
   */
  eventGroupId?: string
}

/** Keys only a context has: an object made of nothing else is a context, not data. */
const CONTEXT_ONLY_KEYS = new Set(["transactionManager", "manager", "requestId", "actor", "eventGroupId"])

/** Tells a trailing `sharedContext` apart from a data argument in overloaded methods. */
export function isContext(value: unknown): value is Context {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  if ("transactionManager" in value || "manager" in value) return true
  // `{ actor: "user_1" }` alone is a context: `update({ id, title }, { actor })` must not be read
  // as an update of the rows matching { id, title }.
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => CONTEXT_ONLY_KEYS.has(key))
}
