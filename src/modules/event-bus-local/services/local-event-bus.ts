import { AbstractEventBusModuleService, eventOf } from "../../../framework/event-bus"
import type { Event, Logger, Message, ModuleDeclaration, SubscriberDescriptor } from "../../../framework/event-bus"

/**
 * Medusa's local event bus: in this process, no retries. Each subscriber runs on its own, after
 * the emit call has returned (module events are emitted once their transaction has committed),
 * so a slow or failing subscriber never delays or fails the request that caused the event, nor
 * the other subscribers; a failure is logged with the event's name and the subscriber's id.
 */
export class LocalEventBusService extends AbstractEventBusModuleService {
  private readonly running_ = new Set<Promise<void>>()

  constructor(deps: Record<string, unknown>, _options?: unknown, declaration?: ModuleDeclaration) {
    super(optionalLogger(deps), declaration)
  }

  protected async publish_(messages: Message[]): Promise<void> {
    for (const message of messages) {
      const event = eventOf(message)
      for (const descriptor of this.subscribersOf_(message.name)) this.deliver_(descriptor, event)
    }
  }

  private deliver_(descriptor: SubscriberDescriptor, event: Event): void {
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.runSubscriber_(descriptor, event))
      .then(
        () => undefined,
        (error) => this.logFailure_(event, descriptor.id, error)
      )
    this.running_.add(delivery)
    void delivery.finally(() => this.running_.delete(delivery))
  }

  /** Waits for every delivery under way (including those they cause), so shutdown loses none. */
  async onApplicationPrepareShutdown(): Promise<void> {
    while (this.running_.size) await Promise.all([...this.running_])
  }
}

/** The host's logger when its container has one (a strict container throws for unknown names). */
export function optionalLogger(deps: Record<string, unknown>): Logger | undefined {
  try {
    return deps.logger as Logger | undefined
  } catch {
    return undefined
  }
}
