import type { JobsOptions, QueueOptions, WorkerOptions } from "bullmq"
import type { RedisOptions } from "ioredis"

/** The Redis event bus options, with Medusa's names (`@medusajs/event-bus-redis`). */
export interface EventBusRedisModuleOptions {
  /** `redis://host:6379`; the host fills it from `projectConfig.redisUrl` when not given. */
  redisUrl?: string
  /** ioredis options merged over the URL's (`maxRetriesPerRequest` stays null, as BullMQ workers need). */
  redisOptions?: RedisOptions
  /** The BullMQ queue (default "events-queue"). */
  queueName?: string
  /** BullMQ queue options; `prefix` (default "RedisEventBusService") namespaces every key. */
  queueOptions?: Omit<QueueOptions, "connection">
  /** BullMQ worker options (default concurrency 10; `lockDuration` decides how soon a killed handler's job runs again). */
  workerOptions?: Omit<WorkerOptions, "connection">
  /** Options of every delivery job (default: 5 attempts, exponential backoff from 1 s). */
  jobOptions?: JobsOptions
}

/** The options after defaults, as the loader registers them. */
export interface NormalizedEventBusRedisOptions {
  redisUrl: string
  queueName: string
  prefix: string
  queueOptions: Omit<QueueOptions, "connection" | "prefix">
  workerOptions: Omit<WorkerOptions, "connection" | "prefix">
  jobOptions: JobsOptions
}
