import type { ModelDefinition } from "./model"

/**
 * Module events as Medusa 2's modules emit them: one message per changed record, named
 * `<module>.<entity>.<action>` (e.g. `api_key.api-key.created`), data `{ id }`, emitted after the
 * write has committed, through the event bus the host registers as `event_bus` (Medusa's
 * `Modules.EVENT_BUS`). Without an event bus nothing is emitted.
 */

export type EventAction = "created" | "updated" | "deleted" | "restored"

export interface EventMessage {
  name: string
  data: { id: string }
  metadata: { source: string; object: string; action: EventAction }
}

/** What a module needs of an event bus: Medusa's `emit(messages, options)`. */
export interface EventBus {
  emit(messages: EventMessage[], options?: Record<string, unknown>): Promise<unknown> | unknown
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

/** `("api_key", ApiKey, "created")` → `api_key.api-key.created`. */
export function eventName(source: string, model: ModelDefinition, action: EventAction): string {
  return `${source}.${snakeCase(model.name).replace(/_/g, "-")}.${action}`
}

export function buildEventMessages(source: string, model: ModelDefinition, action: EventAction, ids: string[]): EventMessage[] {
  const name = eventName(source, model, action)
  return ids.map((id) => ({ name, data: { id }, metadata: { source, object: snakeCase(model.name), action } }))
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
