import type { EntityManager, MikroORM } from "@mikro-orm/postgresql"
import type { ModelDefinition } from "./model"
import { describeForLog } from "../http/errors"
import { currentEventGroupId } from "./event-groups"
import { onTransactionCommit } from "./transactions"

/**
 * Module events as Medusa 2's modules emit them: one message per changed record, named
 * `<module>.<entity>.<action>` (e.g. `api_key.api-key.created`), data `{ id }`, emitted after the
 * write has committed, through the event bus the host registers as `event_bus` (Medusa's
 * `Modules.EVENT_BUS`). Without an event bus nothing is emitted. Inside a workflow run the
 * messages carry the run's `eventGroupId`, and the bus holds them until the run ends.
 */

export type EventAction = "created" | "updated" | "deleted" | "restored" | "attached" | "detached"

export interface EventMessage<TData = { id: string }> {
  name: string
  data: TData
  metadata: { source: string; object: string; action: EventAction; eventGroupId?: string }
}

/** What a module needs of an event bus: Medusa's `emit(messages, options)`. */
export interface EventBus {
  emit(messages: EventMessage<any>[], options?: Record<string, unknown>): Promise<unknown> | unknown
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

/** `("api_key", ApiKey, "created")` → `api_key.api-key.created`. */
export function eventName(source: string, model: ModelDefinition, action: EventAction): string {
  return `${source}.${snakeCase(model.name).replace(/_/g, "-")}.${action}`
}

/** One message per id; `eventGroupId` (the current workflow run's by default) goes in the metadata, as Medusa's does. */
export function buildEventMessages(
  source: string,
  model: ModelDefinition,
  action: EventAction,
  ids: string[],
  eventGroupId: string | undefined = currentEventGroupId()
): EventMessage[] {
  const name = eventName(source, model, action)
  const group = eventGroupId ? { eventGroupId } : {}
  return ids.map((id) => ({ name, data: { id }, metadata: { source, object: snakeCase(model.name), action, ...group } }))
}

/**
 * Emits `messages` once the transaction of `em` has committed (see onTransactionCommit), and
 * never after a rollback. Delivery is the bus's business: a bus that throws cannot fail a write
 * that has already committed, so its error is logged.
 */
export function emitAfterCommit(bus: EventBus | undefined, em: EntityManager, messages: EventMessage<any>[], statusOrm?: MikroORM): void {
  if (!bus || !messages.length) return
  onTransactionCommit(em, () => emitNow(bus, messages), statusOrm)
}

function emitNow(bus: EventBus, messages: EventMessage<any>[]): void {
  const report = (error: unknown) => console.error(`Could not emit ${messages[0].name} (${messages.length} events): ${describeForLog(error)}`)
  try {
    // Called synchronously, so a grouped message is staged before the workflow run can end its group.
    Promise.resolve(bus.emit(messages, { internal: true })).catch(report)
  } catch (error) {
    report(error)
  }
}

/**
 * The event bus in a module's container, if the host registered one. The container may be
 * strict (resolving an unknown name throws), so the lookup is guarded.
 */
export function optionalEventBus(deps: Record<string, unknown>): EventBus | undefined {
  try {
    const bus = deps.event_bus as EventBus | undefined
    return bus && typeof bus.emit === "function" ? bus : undefined
  } catch {
    return undefined
  }
}

/**
 * The module's name in event names, as its joiner config gives it (`api_key`). Medusa's loader
 * replaces the service's `__joinerConfig()` method with the config object itself, so both forms
 * are read; without either, the model's table name.
 */
export function eventSourceOf(service: object, model: ModelDefinition): string {
  const joiner = (service as { __joinerConfig?: unknown }).__joinerConfig
  const config = (typeof joiner === "function" ? joiner.call(service) : joiner) as { serviceName?: string } | undefined
  return config?.serviceName ?? model.tableName
}
