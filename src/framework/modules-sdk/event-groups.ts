import { AsyncLocalStorage } from "node:async_hooks"

/**
 * The event group a piece of work belongs to (Medusa's `eventGroupId`). A workflow run opens one
 * group; every module event emitted while one of its steps (or compensations) runs carries the
 * group's id, and the event bus holds such events until the run releases the group (it succeeded)
 * or clears it (it failed), so a compensated change emits nothing.
 *
 * Medusa hands the id to module methods by appending the run's context to each call through a
 * proxy of the container, which relies on decorator metadata for the argument's position. Our
 * services take their context last without such metadata, so the run carries the id in async
 * context instead; a caller may still pass it explicitly as `sharedContext.eventGroupId`.
 */

const storage = new AsyncLocalStorage<{ eventGroupId: string | undefined }>()

/** The group of the work running now, if any. */
export function currentEventGroupId(): string | undefined {
  return storage.getStore()?.eventGroupId
}

/** Runs `work` (and everything it starts) in the event group `eventGroupId`. */
export function withEventGroup<T>(eventGroupId: string, work: () => T): T {
  return storage.run({ eventGroupId }, work)
}

/**
 * Runs `work` outside any event group: what a subscriber does in reaction to an event is its own
 * work, not part of the workflow whose event it handles (whose group may be released already).
 */
export function outsideEventGroup<T>(work: () => T): T {
  return storage.run({ eventGroupId: undefined }, work)
}
