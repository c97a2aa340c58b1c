import { Redis } from "ioredis"
import { asValue } from "awilix"
import { redactUrl } from "../../../framework/modules-sdk/database"
import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { assertKnownOptionKeys } from "../../../framework/modules-sdk/options"
import { optionalLogger } from "../../event-bus-local/services/local-event-bus"
import type { EventBusRedisModuleOptions, NormalizedEventBusRedisOptions } from "../types/options"

const OPTION_KEYS = ["redisUrl", "redisOptions", "queueName", "queueOptions", "workerOptions", "jobOptions", "database"] as const

/** Medusa's defaults, plus retries: a failing subscriber is tried again with backoff before its job is kept as failed. */
const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  // Failed deliveries stay a week, for inspection and replay.
  removeOnFail: { age: 7 * 24 * 3600 },
}
const DEFAULT_WORKER_OPTIONS = { concurrency: 10, maxStalledCount: 3 }
/** Connection errors repeat while Redis is away: one log line per this many ms. */
const ERROR_LOG_INTERVAL_MS = 10_000

function objectOption(options: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = options[key]
  if (value === undefined) return {}
  if (!isPlainObject(value)) throw invalid(`The Redis event bus option ${key} must be an object`)
  return value
}

export function normalizeOptions(raw: unknown): NormalizedEventBusRedisOptions {
  if (raw !== undefined && !isPlainObject(raw)) throw invalid("The Redis event bus options must be an object such as { redisUrl: \"redis://127.0.0.1:6379\" }")
  const options = (raw ?? {}) as EventBusRedisModuleOptions & Record<string, unknown>
  assertKnownOptionKeys(options, OPTION_KEYS, "")
  const { redisUrl } = options
  if (typeof redisUrl !== "string" || redisUrl === "") {
    throw invalid("The Redis event bus needs a Redis URL: set projectConfig.redisUrl in medusa-config.js (or the module's redisUrl option), e.g. redis://127.0.0.1:6379")
  }
  if (!/^rediss?:\/\//.test(redisUrl)) throw invalid(`redisUrl must be a redis:// or rediss:// URL; got ${redactUrl(redisUrl)}`)
  const queueName = options.queueName ?? "events-queue"
  if (typeof queueName !== "string" || queueName === "" || queueName.includes(":")) throw invalid("queueName must be a non-empty string without ':'")
  const { prefix: queuePrefix, ...queueOptions } = objectOption(options, "queueOptions")
  const { prefix: workerPrefix, ...workerOptions } = objectOption(options, "workerOptions")
  const prefix = (workerPrefix ?? queuePrefix ?? "RedisEventBusService") as string
  if (typeof prefix !== "string" || prefix === "") throw invalid("queueOptions.prefix must be a non-empty string")
  return {
    redisUrl,
    queueName,
    prefix,
    queueOptions,
    workerOptions: { ...DEFAULT_WORKER_OPTIONS, ...workerOptions },
    jobOptions: { ...DEFAULT_JOB_OPTIONS, ...objectOption(options, "jobOptions") },
  }
}

/**
 * Checks the options and opens the module's Redis connection (registered as
 * `eventBusRedisConnection`, as Medusa's loader names it). Start-up does not wait for Redis: while
 * it is unreachable the connection keeps retrying, emits wait for it, and the error is logged once
 * per 10 s with the URL's password masked.
 */
export function redisConnectionLoader({ container, options }: ModuleLoaderArgs): void {
  const normalized = normalizeOptions(options)
  const redisOptions = objectOption((options ?? {}) as Record<string, unknown>, "redisOptions")
  // BullMQ workers need maxRetriesPerRequest: null on their connection.
  const connection = new Redis(normalized.redisUrl, { ...redisOptions, maxRetriesPerRequest: null })
  const logger = optionalLogger(container.cradle) ?? console
  let loggedAt = 0
  connection.on("error", (error: Error) => {
    if (Date.now() - loggedAt < ERROR_LOG_INTERVAL_MS) return
    loggedAt = Date.now()
    logger.error(`The Redis event bus cannot reach ${redactUrl(normalized.redisUrl)}: ${error.message}; retrying`)
  })
  container.register({ eventBusRedisConnection: asValue(connection), eventBusRedisOptions: asValue(normalized) })
}
