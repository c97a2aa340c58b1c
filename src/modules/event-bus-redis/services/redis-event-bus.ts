import { Queue, Worker, type Job, type JobsOptions } from "bullmq"
import type { Redis } from "ioredis"
import { AbstractEventBusModuleService, eventOf } from "../../../framework/event-bus"
import type { Event, Message, ModuleDeclaration } from "../../../framework/event-bus"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { optionalLogger } from "../../event-bus-local/services/local-event-bus"
import type { NormalizedEventBusRedisOptions } from "../types/options"

/** One delivery: an event for one subscriber. */
interface DeliveryData {
  subscriberId: string
  event: Event
}

interface Dependencies {
  eventBusRedisConnection: Redis
  eventBusRedisOptions: NormalizedEventBusRedisOptions
}

/** Emit options that steer this bus, not BullMQ. */
const BUS_ONLY_OPTIONS = new Set(["internal", "groupedEventsTTL"])

/**
 * The Redis event bus (`@medusajs/event-bus-redis`), for an app on several servers, on BullMQ.
 *
 * An emit adds one job per (event, subscriber) to one queue in Redis; each server that runs a
 * worker takes jobs from it, so each subscriber handles each event once per app, not once per
 * server. A job stays in Redis until its handler has finished: a handler that throws is tried
 * again with exponential backoff (`jobOptions.attempts`), and one whose process dies midway is
 * taken again by another worker once its lock expires (`workerOptions.lockDuration`, 30 s by
 * default) — at least once, so a handler uses the event (and `subscriberId`) to be idempotent.
 *
 * Every process of the app subscribes the same subscribers under the same ids (subscriber files
 * do), which is how an emitting process knows whom to address and a worker finds the handler.
 * A process in "server" worker mode (the CLI) emits without taking deliveries.
 */
export class RedisEventBusService extends AbstractEventBusModuleService {
  private readonly connection_: Redis
  private readonly options_: NormalizedEventBusRedisOptions
  private queue_?: Queue
  private worker_?: Worker
  private closing_ = false
  /** Jobs being added: shutdown waits for them, so a command that exits right after a change still hands its events over. */
  private readonly adding_ = new Set<Promise<unknown>>()

  constructor(deps: Dependencies, _options?: unknown, declaration?: ModuleDeclaration) {
    super(optionalLogger(deps as unknown as Record<string, unknown>), declaration)
    this.connection_ = deps.eventBusRedisConnection
    this.options_ = deps.eventBusRedisOptions
  }

  /** Made at the first delivery to add: an app with no subscribers writes nothing to Redis. */
  private queue(): Queue {
    if (!this.queue_) {
      this.queue_ = new Queue(this.options_.queueName, { ...this.options_.queueOptions, prefix: this.options_.prefix, connection: this.connection_ })
      this.queue_.on("error", () => undefined) // the connection's own listener reports Redis errors
    }
    return this.queue_
  }

  protected anonymousSubscriberId_(eventName: string): string {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `The Redis event bus addresses each delivery to a subscriberId that every server shares: subscribe("${eventName}", handler, { subscriberId: "my-subscriber" })`
    )
  }

  protected onSubscribed_(): void {
    if (this.isWorkerMode && !this.worker_ && !this.closing_) this.worker_ = this.startWorker_()
  }

  protected async publish_(messages: Message[], options: Record<string, unknown>): Promise<void> {
    const emitOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !BUS_ONLY_OPTIONS.has(key))) as JobsOptions
    const jobs = messages.flatMap((message) =>
      this.subscribersOf_(message.name).map((descriptor) => ({
        name: message.name,
        data: { subscriberId: descriptor.id, event: eventOf(message) } satisfies DeliveryData,
        opts: { ...this.options_.jobOptions, ...emitOptions, ...(message.options as JobsOptions | undefined) },
      }))
    )
    if (!jobs.length) return
    const adding = this.queue().addBulk(jobs)
    this.adding_.add(adding)
    try {
      await adding
    } finally {
      this.adding_.delete(adding)
    }
  }

  private startWorker_(): Worker {
    const worker = new Worker<DeliveryData>(this.options_.queueName, (job) => this.deliver_(job), {
      ...this.options_.workerOptions,
      prefix: this.options_.prefix,
      connection: this.connection_,
    })
    worker.on("error", () => undefined) // reported once per 10 s by the connection's listener
    return worker
  }

  private async deliver_(job: Job<DeliveryData>): Promise<void> {
    const { subscriberId, event } = job.data
    const descriptor = this.subscriberById_(event.name, subscriberId)
    if (!descriptor) {
      // Another release of the app may know it; the job is retried, then kept as failed.
      const error = new Error(`No subscriber ${subscriberId} for ${event.name} in this process: every server must load the same subscribers`)
      this.logger_.error(error.message)
      throw error
    }
    try {
      await this.runSubscriber_(descriptor, event)
    } catch (error) {
      const attempts = job.opts.attempts ?? 1
      this.logFailure_(event, subscriberId, error, ` (attempt ${job.attemptsMade + 1} of ${attempts})`)
      throw error
    }
  }

  /**
   * Stops taking deliveries; BullMQ waits for the handlers under way to finish. While Redis is
   * unreachable nothing can be waited for (a running job's lock cannot be released), so the
   * worker is closed at once and its jobs are taken again once their locks expire.
   */
  async onApplicationPrepareShutdown(): Promise<void> {
    this.closing_ = true
    await this.worker_?.close(!this.connected_()).catch(() => undefined)
  }

  async onApplicationShutdown(): Promise<void> {
    await this.onApplicationPrepareShutdown()
    if (this.connected_()) {
      await Promise.allSettled([...this.adding_])
      await this.queue_?.close().catch(() => undefined)
      await this.connection_.quit().catch(() => undefined)
    }
    this.connection_.disconnect()
  }

  private connected_(): boolean {
    return this.connection_.status === "ready"
  }
}
