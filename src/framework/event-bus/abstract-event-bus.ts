import { randomUUID } from "node:crypto"
import { describeForLog } from "../http/errors"
import { outsideEventGroup } from "../modules-sdk/event-groups"
import { MedusaError } from "../modules-sdk/medusa-error"
import type {
  Event,
  EventMetadata,
  IEventBusModuleService,
  Logger,
  Message,
  ModuleDeclaration,
  Subscriber,
  SubscriberContext,
  SubscriberDescriptor,
} from "./types"

/** How long a group nobody released or cleared is kept (Medusa's `groupedEventsTTL`, seconds). */
export const DEFAULT_GROUPED_EVENTS_TTL_SECONDS = 600

/** Subscribing to this name receives every event. */
export const WILDCARD_EVENT = "*"

interface StagedGroup {
  messages: Message[]
  expiresAt: number
}

function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

function normalizeMessages(messages: Message | Message[]): Message[] {
  const list = Array.isArray(messages) ? messages : [messages]
  list.forEach((message, index) => {
    if (!message || typeof message.name !== "string" || message.name === "") {
      throw invalid(`An event needs a name: emit({ name: "api_key.api-key.created", data: { id } }); message ${index} has none`)
    }
  })
  return list
}

/**
 * What both event buses share, as Medusa's `AbstractEventBusModuleService`: the subscribers by
 * event name (and `*`), and grouped events. A message whose `metadata.eventGroupId` is set is held
 * until `releaseGroupedEvents` publishes its group or `clearGroupedEvents` drops it (a workflow
 * run does one or the other when it ends); other messages are published at once.
 *
 * Groups are held in this process's memory: the workflow run that owns a group runs in the process
 * that emitted its events, start to end. (Medusa's Redis bus keeps them in Redis because its
 * workflows may resume on another server.) A group nobody ends is dropped after its TTL.
 */
export abstract class AbstractEventBusModuleService implements IEventBusModuleService {
  /** False for a "server" process (Medusa's worker_mode): it emits, and runs no deliveries. */
  protected readonly isWorkerMode: boolean
  protected readonly eventToSubscribersMap_ = new Map<string, SubscriberDescriptor[]>()
  protected readonly logger_: Logger
  private readonly groups_ = new Map<string, StagedGroup>()

  constructor(logger: Logger | undefined, declaration?: ModuleDeclaration) {
    this.logger_ = logger ?? console
    this.isWorkerMode = declaration?.worker_mode !== "server"
  }

  get eventToSubscribersMap(): ReadonlyMap<string, readonly SubscriberDescriptor[]> {
    return this.eventToSubscribersMap_
  }

  /** Publishes messages that belong to no group (or whose group was released). */
  protected abstract publish_(messages: Message[], options: Record<string, unknown>): Promise<void>

  /**
   * Grouped messages are staged before this returns its promise (synchronously), so a group
   * released right after an emit call always contains that emit's messages.
   */
  async emit<TData = unknown>(messages: Message<TData> | Message<TData>[], options: Record<string, unknown> = {}): Promise<void> {
    const list = normalizeMessages(messages as Message | Message[])
    const { groupedEventsTTL, ...publishOptions } = options
    const now: Message[] = []
    for (const message of list) {
      const group = message.metadata?.eventGroupId
      if (group) this.stage_(group, message, typeof groupedEventsTTL === "number" ? groupedEventsTTL : DEFAULT_GROUPED_EVENTS_TTL_SECONDS)
      else now.push(message)
    }
    if (now.length) await this.publish_(now, publishOptions)
  }

  async releaseGroupedEvents(eventGroupId: string): Promise<void> {
    const group = this.groups_.get(eventGroupId)
    this.groups_.delete(eventGroupId)
    if (group?.messages.length) await this.publish_(group.messages, {})
  }

  async clearGroupedEvents(eventGroupId: string, options: { eventNames?: string[] } = {}): Promise<void> {
    const group = this.groups_.get(eventGroupId)
    if (!group) return
    if (!options.eventNames?.length) {
      this.groups_.delete(eventGroupId)
      return
    }
    group.messages = group.messages.filter((message) => !options.eventNames!.includes(message.name))
  }

  /** The messages a group holds now (for tests and diagnostics). */
  groupedEvents(eventGroupId: string): readonly Message[] {
    return this.groups_.get(eventGroupId)?.messages ?? []
  }

  private stage_(eventGroupId: string, message: Message, ttlSeconds: number): void {
    const now = Date.now()
    for (const [id, group] of this.groups_) if (group.expiresAt <= now) this.groups_.delete(id)
    const group = this.groups_.get(eventGroupId) ?? { messages: [], expiresAt: 0 }
    group.messages.push(message)
    group.expiresAt = Math.max(group.expiresAt, now + ttlSeconds * 1000)
    this.groups_.set(eventGroupId, group)
  }

  // ---- subscribers ----------------------------------------------------------------------------

  subscribe(eventName: string, subscriber: Subscriber, context?: SubscriberContext): this {
    if (typeof eventName !== "string" || eventName === "") {
      throw invalid(`subscribe needs an event name, or "${WILDCARD_EVENT}" for every event`)
    }
    if (typeof subscriber !== "function") throw invalid("Subscriber must be a function")
    const subscriberId = context?.subscriberId ?? this.anonymousSubscriberId_(eventName)
    if (typeof subscriberId !== "string" || subscriberId === "") throw invalid("subscriberId must be a non-empty string")
    const existing = this.eventToSubscribersMap_.get(eventName) ?? []
    if (existing.some((descriptor) => descriptor.id === subscriberId)) {
      throw invalid(`Subscriber with id ${subscriberId} already exists`)
    }
    ;(subscriber as Subscriber & { subscriberId?: string }).subscriberId = subscriberId
    this.eventToSubscribersMap_.set(eventName, [...existing, { id: subscriberId, subscriber }])
    this.onSubscribed_(eventName, subscriberId)
    return this
  }

  unsubscribe(eventName: string, subscriber: Subscriber, context?: SubscriberContext): this {
    const subscriberId = context?.subscriberId ?? (subscriber as Subscriber & { subscriberId?: string }).subscriberId
    const existing = this.eventToSubscribersMap_.get(eventName) ?? []
    const remaining = existing.filter((descriptor) => (subscriberId ? descriptor.id !== subscriberId : descriptor.subscriber !== subscriber))
    if (remaining.length) this.eventToSubscribersMap_.set(eventName, remaining)
    else this.eventToSubscribersMap_.delete(eventName)
    return this
  }

  /** The id of a subscriber registered without one (the local bus makes one up; the Redis bus refuses). */
  protected anonymousSubscriberId_(eventName: string): string {
    return `${eventName}-${randomUUID()}`
  }

  /** Called after each subscribe (the Redis bus starts its worker at the first). */
  protected onSubscribed_(_eventName: string, _subscriberId: string): void {}

  /** The subscribers of `eventName`, then those of every event. */
  protected subscribersOf_(eventName: string): SubscriberDescriptor[] {
    const own = this.eventToSubscribersMap_.get(eventName) ?? []
    return eventName === WILDCARD_EVENT ? own : [...own, ...(this.eventToSubscribersMap_.get(WILDCARD_EVENT) ?? [])]
  }

  protected subscriberById_(eventName: string, subscriberId: string): SubscriberDescriptor | undefined {
    return this.subscribersOf_(eventName).find((descriptor) => descriptor.id === subscriberId)
  }

  /**
   * Runs one subscriber on one event, outside the emitter's event group: a workflow whose event
   * is being handled is over, and what the handler writes emits events of its own.
   */
  protected runSubscriber_(descriptor: SubscriberDescriptor, event: Event): Promise<unknown> {
    return outsideEventGroup(async () => descriptor.subscriber(event))
  }

  /** One log line per failed delivery: the event's name and subscriber, the error with secrets masked (never the event's data). */
  protected logFailure_(event: Event, subscriberId: string, error: unknown, detail = ""): void {
    this.logger_.error(`Subscriber ${subscriberId} failed on ${event.name}${detail}: ${describeForLog(error)}`)
  }

  // ---- lifecycle (Medusa's loader calls these through __hooks) ----------------------------------

  /** Stops taking deliveries and waits for the running ones; the app calls it before closing modules. */
  async onApplicationPrepareShutdown(): Promise<void> {}

  async onApplicationShutdown(): Promise<void> {}

  get __hooks(): { onApplicationPrepareShutdown: () => Promise<void>; onApplicationShutdown: () => Promise<void> } {
    return {
      onApplicationPrepareShutdown: () => this.onApplicationPrepareShutdown(),
      onApplicationShutdown: () => this.onApplicationShutdown(),
    }
  }
}

/** The event a subscriber receives for a message. */
export function eventOf(message: Message): Event {
  return { name: message.name, data: message.data, metadata: message.metadata as EventMetadata | undefined }
}
