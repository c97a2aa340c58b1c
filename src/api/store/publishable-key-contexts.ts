import type { AwilixContainer } from "awilix"
import { createHash } from "node:crypto"
import { performance } from "node:perf_hooks"
import type { ChangeFeed, ChangeMessage } from "../../framework/modules-sdk/change-feed"
import { ChangeSafeCache, type ChangeSafeCacheSettings, type ChangeSafeCacheStats } from "../../framework/modules-sdk/change-safe-cache"
import { publishableApiKeySalesChannel } from "../../links"
import { ApiKey, type ApiKeyRateLimit } from "../../modules/api-key/models/api-key"
import { inactiveFrom } from "../../modules/api-key/utils/active"
import { SalesChannel } from "../../modules/sales-channel"
import { apiKeyService, hasSalesChannels, queryService } from "../utils"

/** A publishable key as the store guard needs it: never more than the key's public fields. */
export interface PublishableKeyRecord {
  id: string
  token: string
  revoked_at: Date | null
  /** When the key expires (null: never); an expired key is refused like a revoked one. */
  expires_at: Date | null
  /** Its linked sales channels that exist and are enabled: what a storefront may read through it. */
  sales_channel_ids: readonly string[]
  /** The browser origins the key may be used from (see allowed-origins.ts); null: any, as in Medusa. */
  allowed_origins: readonly string[] | null
  /** Its own rate limit (null: the module's default applies, if any), counted with no query. */
  rate_limit: ApiKeyRateLimit | null
}

/** Container name of the app's PublishableKeyContexts (registered by loadMedusaApp). */
export const PUBLISHABLE_KEY_CONTEXTS = "publishableKeyContexts"

/** The lookup digest of a header value: the cache never keys on (or keeps) a raw header. */
function digestOf(token: string): string {
  return createHash("sha256").update(token).digest("hex")
}

/**
 * Reads the key with this token and the channels it grants: through Query when the app runs the
 * sales channel module (key, link rows, channels), else the key alone.
 */
async function readPublishableKey(scope: AwilixContainer, token: string): Promise<PublishableKeyRecord | undefined> {
  const filters = { token, type: "publishable" as const }
  if (!hasSalesChannels(scope)) {
    const [key] = await apiKeyService(scope).listApiKeys(filters, { select: ["id", "token", "revoked_at", "expires_at", "allowed_origins", "rate_limit"], take: 1 })
    return (
      key &&
      freeze({
        id: key.id,
        token: key.token,
        revoked_at: key.revoked_at ?? null,
        expires_at: key.expires_at ?? null,
        sales_channel_ids: [],
        allowed_origins: key.allowed_origins ?? null,
        rate_limit: key.rate_limit ?? null,
      })
    )
  }
  const { data } = await queryService(scope).graph({
    entity: ApiKey.tableName,
    fields: ["id", "token", "revoked_at", "expires_at", "allowed_origins", "rate_limit", "sales_channels.id", "sales_channels.is_disabled"],
    filters,
  })
  const key = data[0]
  if (!key) return undefined
  const channels = key.sales_channels as { id: string; is_disabled: boolean }[]
  return freeze({
    id: key.id,
    token: key.token,
    revoked_at: key.revoked_at ?? null,
    expires_at: key.expires_at ?? null,
    sales_channel_ids: channels.filter((channel) => !channel.is_disabled).map((channel) => channel.id),
    allowed_origins: (key.allowed_origins as string[] | undefined) ?? null,
    rate_limit: key.rate_limit ?? null,
  })
}

function freeze(record: PublishableKeyRecord): PublishableKeyRecord {
  Object.freeze(record.sales_channel_ids)
  if (record.allowed_origins) Object.freeze(record.allowed_origins)
  if (record.rate_limit) Object.freeze(record.rate_limit)
  return Object.freeze(record)
}

interface Flight {
  epoch: number
  unknownEpoch: number
  promise: Promise<PublishableKeyRecord | undefined>
}

/**
 * The store guard's memory: publishable key → its record and sales channels, served with no query
 * for a warm key, by the same rules as `authenticate`'s cache (see ChangeSafeCache): a key
 * revoked for a later moment, or expiring, stops at that moment with no invalidation; tokens that match no key
 * are remembered briefly (a garbage flood costs no queries); everything is bounded by `max`; and
 * the cache serves only while the app's change feed is live, so a change made by any process is
 * seen here within `propagationMs`.
 *
 * What drops an entry: any change of the key (revoke, delete, soft delete, restore, update) and
 * any link change naming it (channel added or removed). Any sales channel change (disabled,
 * enabled, deleted, restored) clears every entry: such changes are rare admin actions, and a
 * channel's id alone does not say which cached keys were once linked to it.
 */
export class PublishableKeyContexts {
  private readonly cache?: ChangeSafeCache<PublishableKeyRecord>
  private readonly inFlight = new Map<string, Flight>()

  constructor(settings: ChangeSafeCacheSettings | false, feed: ChangeFeed | undefined) {
    if (!settings || !feed) return
    const cache = new ChangeSafeCache<PublishableKeyRecord>(settings, {
      validUntil: inactiveFrom,
      idsOf: (key) => [key.id],
    })
    const linkTable = publishableApiKeySalesChannel.tableName
    cache.follow(
      feed,
      [ApiKey.tableName, linkTable, SalesChannel.tableName],
      (table: string, message: ChangeMessage) => {
        if (table === SalesChannel.tableName) return message.k?.length ? cache.clear() : undefined
        // A link change carries the ids of both ends; the key's is enough here.
        if (message.k) cache.invalidate(message.k)
        if (message.n) cache.forgetUnknown(message.n)
      },
      settings.propagationMs
    )
    this.cache = cache
  }

  /** The key with this token (active or not), or undefined when none has it. */
  find(scope: AwilixContainer, token: string): Promise<PublishableKeyRecord | undefined> {
    const cache = this.cache
    if (!cache) return readPublishableKey(scope, token)
    const digest = digestOf(token)
    const cached = cache.lookup(digest, Date.now(), performance.now())
    // A key known to be revoked is still "found": the guard refuses it like any inactive key.
    if (cached !== undefined) return Promise.resolve(cached || undefined)
    return this.readAndRemember(cache, scope, token, digest)
  }

  private readAndRemember(cache: ChangeSafeCache<PublishableKeyRecord>, scope: AwilixContainer, token: string, digest: string) {
    const { epoch, unknownEpoch } = cache
    // Concurrent first requests with one key share one read — unless a change came in since it began.
    const flight = this.inFlight.get(digest)
    if (flight && flight.epoch === epoch && flight.unknownEpoch === unknownEpoch) return flight.promise
    const promise = readPublishableKey(scope, token)
      .then((record) => {
        if (record) cache.store(digest, record, epoch, performance.now())
        else cache.storeUnknown(digest, epoch, unknownEpoch, performance.now())
        return record
      })
      .finally(() => {
        if (this.inFlight.get(digest)?.promise === promise) this.inFlight.delete(digest)
      })
    this.inFlight.set(digest, { epoch, unknownEpoch, promise })
    return promise
  }

  /** Counters of the cache (absent when it is off). */
  stats(): ChangeSafeCacheStats | undefined {
    return this.cache?.stats()
  }
}
