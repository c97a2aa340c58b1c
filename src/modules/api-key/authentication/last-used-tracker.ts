import type { MikroORM } from "@mikro-orm/postgresql"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import type { ApiKeyHistoryRecorder } from "../services/history"
import type { LastUsedAtOption } from "../types/options"

export type LastUsedAtSettings = Required<LastUsedAtOption>

export const DEFAULT_LAST_USED_AT: LastUsedAtSettings = { intervalMs: 60_000, flushMs: 1_000 }

/** Ids per UPDATE, well below PostgreSQL's 65535 bind parameters. */
const MAX_IDS_PER_UPDATE = 5_000

/**
 * Keeps `api_key.last_used_at` current without a write per request: a successful authenticate
 * only notes the id in memory (`record`), a key is noted at most once per `intervalMs`, and a
 * timer writes the noted ids `flushMs` later in one UPDATE, off the request path. `close()`
 * writes what is pending. The throttle is per process: N processes may each write a key once
 * per interval. The key returned by authenticate may show the previous `last_used_at`.
 * A key's first use (null before the write) goes into the key history in the write's transaction.
 */
export class LastUsedTracker {
  /** When each key was last noted (wall-clock ms), to throttle to one write per interval. */
  private readonly notedAt = new Map<string, number>()
  private pending = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private lastPrune = Date.now()

  constructor(
    private readonly orm: MikroORM,
    private readonly repository: ApiKeyRepository,
    private readonly settings: LastUsedAtSettings,
    private readonly history: ApiKeyHistoryRecorder
  ) {}

  record(id: string, now: number): void {
    const noted = this.notedAt.get(id)
    if (noted !== undefined && now - noted < this.settings.intervalMs) return
    this.notedAt.set(id, now)
    this.pending.add(id)
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.settings.flushMs)
      // A pending write must not keep the process alive; close() writes it on shutdown.
      this.timer.unref()
    }
  }

  /** Writes every noted id now. Resolves when the write is done; never rejects. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    const ids = [...this.pending]
    this.pending = new Set()
    this.flushing = this.flushing.then(() => this.write(ids))
    return this.flushing
  }

  async close(): Promise<void> {
    await this.flush()
  }

  private async write(ids: string[]): Promise<void> {
    this.prune()
    if (!ids.length) return
    const at = new Date()
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_UPDATE) {
      const batch = ids.slice(i, i + MAX_IDS_PER_UPDATE)
      try {
        await this.orm.em.fork().transactional(async (em) => {
          const firstUses = await this.repository.touchLastUsed(em, batch, at)
          if (firstUses.length) await this.history.record(em, this.history.firstUses(firstUses, at), at)
        })
      } catch {
        // Best effort: a failed write is retried on the key's next use rather than kept in memory.
        for (const id of batch) this.notedAt.delete(id)
      }
    }
  }

  /** Forgets keys not used for an interval, so the map holds only recently used keys. */
  private prune(): void {
    const now = Date.now()
    if (now - this.lastPrune < this.settings.intervalMs) return
    this.lastPrune = now
    for (const [id, noted] of this.notedAt) {
      if (now - noted >= this.settings.intervalMs) this.notedAt.delete(id)
    }
  }
}

/** Fills in defaults and rejects nonsense at module load; `false` turns tracking off. */
export function validateLastUsedAtOption(option: unknown): LastUsedAtSettings | false {
  if (option === false) return false
  if (option !== undefined && (typeof option !== "object" || option === null || Array.isArray(option))) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "lastUsedAt must be false or an object like { intervalMs: 60000 }")
  }
  const given = (option ?? {}) as LastUsedAtOption
  const settings: LastUsedAtSettings = {
    intervalMs: given.intervalMs ?? DEFAULT_LAST_USED_AT.intervalMs,
    flushMs: given.flushMs ?? Math.min(DEFAULT_LAST_USED_AT.flushMs, given.intervalMs ?? DEFAULT_LAST_USED_AT.flushMs),
  }
  for (const name of ["intervalMs", "flushMs"] as const) {
    const value = settings[name]
    if (!Number.isInteger(value) || value < 1) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `lastUsedAt.${name} must be a whole number of 1 or more; got ${JSON.stringify(value)}`)
    }
  }
  return settings
}
