import type { AwilixContainer } from "awilix"
import { performance } from "node:perf_hooks"
import type { ChangeFeed } from "../../framework/modules-sdk/change-feed"
import { ChangeSafeCache, type ChangeSafeCacheSettings, type ChangeSafeCacheStats } from "../../framework/modules-sdk/change-safe-cache"
import { activeApiKeyCondition, ApiKey, ApiKeyType, isActiveApiKey, originAllowed } from "../../modules/api-key"
import { apiKeyService } from "../utils"

/** One publishable key's origin list, with what decides whether the key is still active. */
interface ListedOrigins {
  allowed_origins: readonly string[]
  revoked_at: Date | null
}

/** Container name of the app's PublishableKeyOrigins (registered by loadMedusaApp). */
export const PUBLISHABLE_KEY_ORIGINS = "publishableKeyOrigins"

/** The one entry of the cache: the lists of every active publishable key that has one. */
const ALL = "all"

async function readListedOrigins(scope: AwilixContainer): Promise<ListedOrigins[]> {
  const keys = await apiKeyService(scope).listApiKeys(
    { type: ApiKeyType.PUBLISHABLE, ...activeApiKeyCondition(new Date()) },
    { select: ["id", "revoked_at", "allowed_origins"] }
  )
  return keys
    .filter((key) => Array.isArray(key.allowed_origins) && key.allowed_origins.length > 0)
    .map((key) => ({ allowed_origins: key.allowed_origins!, revoked_at: key.revoked_at ?? null }))
}

/**
 * What a store preflight is granted beyond storeCors: a browser sends a preflight without the
 * x-publishable-api-key header, so the key it will use is unknown. The rule is to grant an origin
 * that some active publishable key lists, and to leave the key's own list to the real request
 * (the store guard refuses it there with 403 and no CORS headers). A preflight grant reveals
 * nothing and carries no data; what matters is that the real request is checked per key.
 *
 * The lists are read with one query and kept by the rules of the store's other caches: served
 * only while the change feed is live, dropped on any api key change (a created, updated, revoked
 * or deleted key, from any process), re-read after the cache's TTL. A key revoked for a later
 * moment stops counting at that moment, from memory.
 */
export class PublishableKeyOrigins {
  private readonly cache?: ChangeSafeCache<ListedOrigins[]>
  private inFlight?: { epoch: number; promise: Promise<ListedOrigins[]> }

  constructor(settings: ChangeSafeCacheSettings | false, feed: ChangeFeed | undefined) {
    if (!settings || !feed) return
    const cache = new ChangeSafeCache<ListedOrigins[]>(settings, { validUntil: () => Infinity, idsOf: () => [] })
    cache.follow(feed, [ApiKey.tableName], () => cache.clear(), settings.propagationMs)
    this.cache = cache
  }

  /** Whether an active publishable key lists `origin` among its allowed origins. */
  async anyKeyAllows(scope: AwilixContainer, origin: string): Promise<boolean> {
    const now = new Date()
    const lists = await this.lists(scope)
    return lists.some((listed) => isActiveApiKey(listed, now) && originAllowed(listed.allowed_origins, origin))
  }

  private lists(scope: AwilixContainer): Promise<ListedOrigins[]> {
    const cache = this.cache
    if (!cache) return readListedOrigins(scope)
    const cached = cache.lookup(ALL, Date.now(), performance.now())
    if (cached) return Promise.resolve(cached)
    const { epoch } = cache
    // Concurrent preflights share one read, unless a change came in since it began.
    if (this.inFlight?.epoch === epoch) return this.inFlight.promise
    const promise = readListedOrigins(scope)
      .then((lists) => {
        cache.store(ALL, lists, epoch, performance.now())
        return lists
      })
      .finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined
      })
    this.inFlight = { epoch, promise }
    return promise
  }

  /** Counters of the cache (absent when it is off). */
  stats(): ChangeSafeCacheStats | undefined {
    return this.cache?.stats()
  }
}
