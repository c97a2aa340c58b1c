/**
 * The event bus contract, as Medusa's `IEventBusModuleService` defines it: messages are
 * `{ name, data, metadata? }`, subscribers receive the event and are known by a `subscriberId`.
 */

export interface EventMetadata {
  /** The module that emitted the event (`api_key`). */
  source?: string
  /** The record kind (`api_key`). */
  object?: string
  /** `created`, `updated`, `deleted`, `restored`, `attached`, `detached` … */
  action?: string
  /** Set on events emitted inside a workflow run: held by the bus until the run ends. */
  eventGroupId?: string
  [key: string]: unknown
}

export interface Message<TData = unknown> {
  name: string
  data: TData
  metadata?: EventMetadata
  /** Per-message options for the bus (the Redis bus passes them on to its job). */
  options?: Record<string, unknown>
}

/** What a subscriber receives. */
export interface Event<TData = unknown> {
  name: string
  data: TData
  metadata?: EventMetadata
}

export type Subscriber<TData = unknown> = (event: Event<TData>) => Promise<unknown> | unknown

export interface SubscriberContext {
  /**
   * Names the subscriber. With the Redis bus it is what a delivery is addressed to, so every
   * server must give the same subscriber the same id (subscriber files get one from their
   * config or their file name); it also lets a handler recognise a redelivery.
   */
  subscriberId?: string
  [key: string]: unknown
}

export interface SubscriberDescriptor {
  id: string
  subscriber: Subscriber
}

export interface IEventBusModuleService {
  emit<TData = unknown>(messages: Message<TData> | Message<TData>[], options?: Record<string, unknown>): Promise<void>
  subscribe(eventName: string, subscriber: Subscriber, context?: SubscriberContext): this
  unsubscribe(eventName: string, subscriber: Subscriber, context?: SubscriberContext): this
  releaseGroupedEvents(eventGroupId: string): Promise<void>
  clearGroupedEvents(eventGroupId: string, options?: { eventNames?: string[] }): Promise<void>
}

/** Medusa's `worker_mode`: "server" processes emit but run no background deliveries. */
export type WorkerMode = "shared" | "worker" | "server"

/** The third constructor argument a host gives a module (Medusa's module declaration). */
export interface ModuleDeclaration {
  worker_mode?: WorkerMode
}

/** The logger a host registers in module containers (Medusa's `logger`). */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}
