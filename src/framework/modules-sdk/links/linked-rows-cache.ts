import { performance } from "node:perf_hooks"
import type { ChangeFeed } from "../change-feed"
import { ChangeSafeCache, type ChangeSafeCacheSettings } from "../change-safe-cache"
import type { LinkRow } from "./link-table"

/** Defaults as the api key module's `authCache`; a link table has no option of its own. */
const SETTINGS: ChangeSafeCacheSettings = { max: 10_000, ttlMs: 60_000, negativeTtlMs: 0, propagationMs: 1_000 }

interface LinkedRows {
  /** The id on the side the rows were read by. */
  id: string
  rows: readonly LinkRow[]
}

/**
 * The links of one record, by the id of one of its ends (e.g. a key's sales channel links), kept
 * under the change-safe cache's rules: every link change is published with the ids of both ends,
 * so adding or removing a link drops the entries of both records within `propagationMs` in every
 * process (at once in this one), and nothing is served while the feed is not proven live. "No
 * links" is an answer like any other: creating the first link names the record and drops it.
 */
export class LinkedRowsCache {
  private readonly cache = new ChangeSafeCache<LinkedRows>(SETTINGS, { validUntil: () => Infinity, idsOf: (entry) => [entry.id] })

  constructor(feed: ChangeFeed, tableName: string) {
    this.cache.follow(feed, [tableName], (_table, message) => message.k && this.cache.invalidate(message.k), SETTINGS.propagationMs)
  }

  /**
   * The links of each id by `column`: cached ones from memory, the others with one `read` whose
   * result is remembered per id unless a link changed while it ran.
   */
  async linksOf(column: string, ids: string[], read: (missing: string[]) => Promise<LinkRow[]>): Promise<LinkRow[]> {
    const found: LinkRow[] = []
    const missing: string[] = []
    const now = Date.now()
    for (const id of ids) {
      const cached = this.cache.lookup(`${column}:${id}`, now, performance.now())
      if (cached) found.push(...cached.rows)
      else missing.push(id)
    }
    if (!missing.length) return found
    const epoch = this.cache.epoch
    const fresh = await read(missing)
    for (const id of missing) {
      const rows = Object.freeze(fresh.filter((row) => row[column] === id))
      this.cache.store(`${column}:${id}`, { id, rows }, epoch, performance.now())
    }
    return [...found, ...fresh]
  }
}
