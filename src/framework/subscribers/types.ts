import type { AwilixContainer } from "awilix"
import type { Event } from "../event-bus"

/** What a subscriber file exports as `config`, as in Medusa. */
export interface SubscriberConfig {
  /** The event name, a list of them, or "*" for every event. */
  event: string | string[]
  /** `subscriberId` names the subscriber (default: the handler's name, else the file's). */
  context?: { subscriberId?: string; [key: string]: unknown }
}

/** What a subscriber file's default export receives, as in Medusa. */
export interface SubscriberArgs<TData = unknown> {
  event: Event<TData>
  /** The app container: resolve modules, `query`, `link` … */
  container: AwilixContainer
  pluginOptions: Record<string, unknown>
}

export type SubscriberHandler<TData = unknown> = (args: SubscriberArgs<TData>) => Promise<unknown> | unknown

/** A subscriber file, checked. */
export interface SubscriberDefinition {
  file: string
  subscriberId: string
  events: string[]
  handler: SubscriberHandler
  context: Record<string, unknown>
}
