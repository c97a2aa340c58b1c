import { randomBytes } from "node:crypto"
import { Redis } from "ioredis"
import type { ApiKeyRateLimit } from "../models/api-key"
import type { RateLimitOutcome, RateLimitStore } from "./store"

/**
 * The sliding window log of one key, as one atomic script: drop the requests that have left the
 * window, count the rest, log this request if there is room, and say when the deciding request
 * leaves. Redis runs a script alone, so concurrent requests of every server see each other's
 * counts; its clock (TIME) is the only one used, so the servers' own clocks do not matter.
 *
 * KEYS[1] the key's log (a sorted set: score = time in ms, member = a unique request id)
 * ARGV    limit, window in ms, the request id
 * Returns { allowed 0|1, count after this request, ms until the deciding request leaves (a string:
 * Lua numbers would be cut to integers) }.
 */
const SLIDING_WINDOW_SCRIPT = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  count = count + 1
  allowed = 1
end
local index = count - limit
if index < 0 then index = 0 end
local deciding = redis.call('ZRANGE', key, index, index, 'WITHSCORES')
redis.call('PEXPIRE', key, math.ceil(window))
return { allowed, count, tostring(tonumber(deciding[2]) + window - now) }
`

export interface RedisRateLimitSettings {
  url: string
  /** Prepended to the key id: `medusa:rate-limit:apk_…` by default. */
  keyPrefix: string
  /** How long the first request waits for the first connection. Default 1000. */
  connectTimeoutMs?: number
  /** A command unanswered for this long counts as Redis unreachable. Default 1000. */
  commandTimeoutMs?: number
}

type ScriptClient = Redis & { medusaRateLimitHit(key: string, limit: number, windowMs: number, member: string): Promise<[number, number, string]> }

const RETRY_MIN_MS = 50
const RETRY_MAX_MS = 1_000

/**
 * The sliding window log in Redis, shared by every server of the app. It connects on the first
 * limited request (an app whose keys have no limit never opens it). While Redis is unreachable a
 * call fails at once rather than queueing (the limiter then applies `onStoreError`), and the
 * connection keeps retrying in the background.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = "redis"
  /** Unique per process, so request ids of different servers never collide in a log. */
  private readonly processId = randomBytes(8).toString("hex")
  private sequence = 0
  private client?: ScriptClient
  private firstConnection?: Promise<void>
  private closed = false

  constructor(private readonly settings: RedisRateLimitSettings) {}

  async hit(keyId: string, { limit, window_s }: ApiKeyRateLimit): Promise<RateLimitOutcome> {
    const client = this.connect()
    if (client.status !== "ready") await this.firstConnection
    const member = `${this.processId}:${(++this.sequence).toString(36)}`
    const [allowed, count, reset] = await client.medusaRateLimitHit(`${this.settings.keyPrefix}${keyId}`, limit, window_s * 1000, member)
    return { allowed: allowed === 1, limit, window_s, remaining: Math.max(0, limit - count), reset_ms: Number(reset) }
  }

  private connect(): ScriptClient {
    if (this.client) return this.client
    if (this.closed) throw new Error("The rate limit store is closed")
    const client = new Redis(this.settings.url, {
      lazyConnect: true,
      // Fail at once while disconnected: a request must not wait for Redis to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.settings.commandTimeoutMs ?? 1_000,
      retryStrategy: (attempt) => Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt),
      connectionName: "medusa-rate-limit",
    }) as ScriptClient
    // Failures surface as rejected calls; an unhandled "error" event would crash the process.
    client.on("error", () => undefined)
    client.defineCommand("medusaRateLimitHit", { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT })
    const timeoutMs = this.settings.connectTimeoutMs ?? 1_000
    // Only the very first requests wait (bounded) for the connection; later ones never do.
    this.firstConnection = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      timer.unref()
      client.once("ready", () => {
        clearTimeout(timer)
        resolve()
      })
      client.connect().catch(() => undefined)
    }).then(() => {
      this.firstConnection = undefined
    })
    this.client = client
    return client
  }

  async close(): Promise<void> {
    this.closed = true
    const client = this.client
    this.client = undefined
    if (!client) return
    if (client.status === "ready") await client.quit().catch(() => client.disconnect())
    else client.disconnect()
  }
}
