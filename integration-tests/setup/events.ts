import { randomBytes } from "node:crypto"
import { Queue } from "bullmq"
import { Redis } from "ioredis"
import type { Event, IEventBusModuleService } from "../../src"

import { eventually, sleep } from "./wait"

export { eventually, sleep }

export interface EventRecorder {
  events: Event[]
  names(): string[]
  clear(): void
  /** Waits until at least `count` events arrived (false after `ms`). */
  waitFor(count: number, ms?: number): Promise<boolean>
}

/** Subscribes to every event of `bus` and keeps what it receives, in order. */
export function recordEvents(bus: IEventBusModuleService, subscriberId = "test-recorder"): EventRecorder {
  const events: Event[] = []
  bus.subscribe("*", async (event) => void events.push(event), { subscriberId })
  return {
    events,
    names: () => events.map((e) => e.name),
    clear: () => void events.splice(0),
    waitFor: (count, ms = 5000) => eventually(() => events.length >= count, ms),
  }
}

/** The machine's Redis (REDIS_URL, else 127.0.0.1:6379), as .ci/run provides it. */
export function redisUrl(): string {
  return process.env.REDIS_URL || "redis://127.0.0.1:6379"
}

/** A BullMQ prefix of one test file's own, so parallel files and other users of Redis never meet. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(5).toString("hex")}`
}

/** Removes every key of the Redis event bus under `prefix` (the test's queue). */
export async function removeQueue(prefix: string, queueName = "events-queue"): Promise<void> {
  await withQueue(prefix, queueName, (queue) => queue.obliterate({ force: true }))
}

async function withQueue<T>(prefix: string, queueName: string, work: (queue: Queue) => Promise<T>): Promise<T> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null })
  const queue = new Queue(queueName, { prefix, connection })
  try {
    return await work(queue)
  } finally {
    await queue.close()
    await connection.quit()
  }
}

/** Jobs of the Redis event bus under `prefix` not handled yet (waiting, delayed or running). */
export async function pendingDeliveries(prefix: string, queueName = "events-queue"): Promise<number> {
  return withQueue(prefix, queueName, async (queue) => {
    const counts = await queue.getJobCounts("waiting", "delayed", "active", "prioritized")
    return Object.values(counts).reduce((sum, n) => sum + n, 0)
  })
}

/** Fails at once, with what to do, when the machine's Redis does not answer (instead of timing out later). */
export async function assertRedisAnswers(url = redisUrl()): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on("error", () => undefined)
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    throw new Error(`Redis does not answer at ${url} (${(error as Error).message}): start it as .ci/run does, or set REDIS_URL`)
  } finally {
    client.disconnect()
  }
}
