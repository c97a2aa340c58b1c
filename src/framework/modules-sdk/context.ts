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
   * The event group of a workflow run (Medusa's): the module events of this call are held by the
   * event bus until the run releases or clears the group.
   */
  eventGroupId?: string
}

/** Tells a trailing `sharedContext` apart from a data argument in overloaded methods. */
export function isContext(value: unknown): value is Context {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("transactionManager" in value || "manager" in value || "eventGroupId" in value)
}
