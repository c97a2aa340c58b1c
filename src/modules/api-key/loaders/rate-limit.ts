import { asValue } from "awilix"
import type { Logger } from "../../../framework/event-bus/types"
import { invalid } from "../../../framework/modules-sdk/errors"
import { CHANGE_FEED_REDIS_URL, type ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { KeyRateLimiter } from "../rate-limit/limiter"
import { MemoryRateLimitStore } from "../rate-limit/memory-store"
import { RedisRateLimitStore } from "../rate-limit/redis-store"
import type { NormalizedApiKeyModuleOptions } from "./options"

/** The module's own option first, then the Redis the host lends every module (projectConfig.redisUrl). */
function redisUrlOf({ container }: ModuleLoaderArgs, own: string | undefined): string | undefined {
  if (own) return own
  return container.hasRegistration(CHANGE_FEED_REDIS_URL) ? container.resolve<string | undefined>(CHANGE_FEED_REDIS_URL) : undefined
}

/** The host's logger when it registered one (Medusa's loader does), else stderr. */
function loggerOf({ container }: ModuleLoaderArgs): Pick<Logger, "info" | "warn"> {
  if (container.hasRegistration("logger")) return container.resolve<Logger>("logger")
  return { info: (message) => process.stderr.write(`${message}\n`), warn: (message) => process.stderr.write(`${message}\n`) }
}

/**
 * Builds the rate limiter (`apiKeyRateLimiter`) with its store: Redis when chosen or, with "auto",
 * when a Redis URL is known; else this process's memory. Nothing connects here: the Redis store
 * connects on the first request of a limited key.
 */
export function rateLimitLoader(args: ModuleLoaderArgs): void {
  const { rateLimit } = args.container.resolve<NormalizedApiKeyModuleOptions>("apiKeyOptions")
  const redisUrl = rateLimit.store === "memory" ? undefined : redisUrlOf(args, rateLimit.redisUrl)
  if (rateLimit.store === "redis" && !redisUrl) {
    throw invalid(`rateLimit.store "redis" needs a Redis URL: set projectConfig.redisUrl in medusa-config.js or the module option rateLimit.redisUrl, e.g. redis://127.0.0.1:6379`)
  }
  const store = redisUrl ? new RedisRateLimitStore({ url: redisUrl, keyPrefix: rateLimit.keyPrefix }) : new MemoryRateLimitStore()
  args.container.register({ apiKeyRateLimiter: asValue(new KeyRateLimiter(rateLimit, store, loggerOf(args), redisUrl)) })
}
