import { randomBytes } from "node:crypto"
import { Queue } from "bullmq"
import { Redis } from "ioredis"
import { initialize, loadMedusaApp, Modules, type ApiKeyModuleService, type IEventBusModuleService, type MedusaConfig } from "../src"
import { median, percentile, progress, round } from "./stats"

/**
 * What the event bus adds to a create: the same publishable create (no scrypt) timed with no
 * event bus (the module alone), with the local bus and with the Redis bus, each with one
 * subscriber of `api_key.api-key.created`; and how long after the create started that subscriber
 * ran. The create returns once its transaction has committed; the emit happens at the commit and
 * the delivery after it, so the create's own time barely moves while delivery takes what the bus
 * takes (a setImmediate locally; a job through Redis and the worker in this process otherwise).
 */

const silent = { info: () => undefined, warn: () => undefined, error: (message: string) => progress(message) }

interface Timings {
  create_ms: number
  create_p99_ms: number
  delivered_ms?: number
}

async function timeCreates(service: ApiKeyModuleService, count: number, delivered?: Map<string, bigint>): Promise<Timings> {
  for (let i = 0; i < 20; i++) await service.createApiKeys({ title: `warm-up ${i}`, type: "publishable", created_by: "bench" })
  const creates: number[] = []
  const started = new Map<string, bigint>()
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    const key = await service.createApiKeys({ title: `event ${i}`, type: "publishable", created_by: "bench" })
    creates.push(Number(process.hrtime.bigint() - start) / 1e6)
    started.set(key.id, start)
  }
  const result: Timings = { create_ms: round(median(creates), 3), create_p99_ms: round(percentile(creates, 99), 3) }
  if (delivered) {
    const deadline = Date.now() + 30_000
    while ([...started.keys()].some((id) => !delivered.has(id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const latencies = [...started].filter(([id]) => delivered.has(id)).map(([id, start]) => Number(delivered.get(id)! - start) / 1e6)
    result.delivered_ms = round(median(latencies), 3)
  }
  return result
}

async function withApp(config: MedusaConfig, count: number): Promise<Timings> {
  const app = await loadMedusaApp({ config, logger: silent })
  try {
    const delivered = new Map<string, bigint>()
    const bus: IEventBusModuleService = app.container.resolve(Modules.EVENT_BUS)
    bus.subscribe("api_key.api-key.created", async (event) => void delivered.set((event.data as { id: string }).id, process.hrtime.bigint()), { subscriberId: "bench-created" })
    return await timeCreates(app.container.resolve(Modules.API_KEY), count, delivered)
  } finally {
    await app.shutdown()
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on("error", () => undefined)
  try {
    await client.connect()
    return (await client.ping()) === "PONG"
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

export async function measureEventBus(databaseUrl: string, count: number) {
  const modules = { apiKey: { resolve: "@medusajs/api-key" } }
  const none = await initialize({ database: { clientUrl: databaseUrl } })
  let without: Timings
  try {
    without = await timeCreates(none, count)
  } finally {
    await none.onApplicationShutdown()
  }
  const local = await withApp({ projectConfig: { databaseUrl }, modules }, count)

  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379"
  let redis: Timings | undefined
  if (await redisAnswers(redisUrl)) {
    const prefix = `bench-${randomBytes(5).toString("hex")}`
    try {
      redis = await withApp({ projectConfig: { databaseUrl, redisUrl }, modules: { ...modules, eventBus: { resolve: "@medusajs/event-bus-redis", options: { queueOptions: { prefix } } } } }, count)
    } finally {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
      const queue = new Queue("events-queue", { prefix, connection })
      await queue.obliterate({ force: true }).catch(() => undefined)
      await queue.close()
      await connection.quit()
    }
  } else {
    progress(`Redis does not answer at ${redisUrl}: the Redis event bus is not measured`)
  }
  return {
    creates: count,
    create_none_ms: without.create_ms,
    create_local_ms: local.create_ms,
    create_redis_ms: redis?.create_ms ?? null,
    create_p99: { none_ms: without.create_p99_ms, local_ms: local.create_p99_ms, redis_ms: redis?.create_p99_ms ?? null },
    delivered_local_ms: local.delivered_ms,
    delivered_redis_ms: redis?.delivered_ms ?? null,
  }
}
