import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import { ScryptLimiter } from "./scrypt-limiter"

/**
 * A key Medusa created has no lookup digest yet, so it is found by its redacted form — 9 visible
 * characters an attacker can copy, each forged token then costing a scrypt verification. This
 * guard bounds that work: legacy verifications run through their own small limiter (so they never
 * take the slots of current-format keys), and a legacy key that failed `failuresPerKeyPerMinute`
 * verifications in a minute is not verified again until the minute is over (its owner's first use
 * may then be refused and retried; once used, the key is upgraded and leaves this path for good).
 */
export interface LegacyVerificationOption {
  /** Legacy verifications running at once. Default 1. */
  concurrency?: number
  /** Legacy verifications waiting; beyond that a call is refused. Default 8. */
  maxQueue?: number
  /** Failed verifications per legacy key per minute before it is left alone. Default 10. */
  failuresPerKeyPerMinute?: number
}

export type LegacyVerificationSettings = Required<LegacyVerificationOption>

export const DEFAULT_LEGACY_VERIFICATION: LegacyVerificationSettings = { concurrency: 1, maxQueue: 8, failuresPerKeyPerMinute: 10 }

const WINDOW_MS = 60_000
/** Keys tracked at once; the oldest window is forgotten first. */
const MAX_TRACKED_KEYS = 10_000

export class LegacyGuard {
  readonly limiter: ScryptLimiter
  private readonly failures = new Map<string, { since: number; count: number }>()
  /** Verifications skipped because the key had failed too often. */
  blocked = 0

  constructor(private readonly settings: LegacyVerificationSettings) {
    this.limiter = new ScryptLimiter({ concurrency: settings.concurrency, maxQueue: settings.maxQueue })
  }

  /**
   * Runs one verification against a legacy key through the guard's queue: "blocked" when the key's
   * failure budget is spent by the time its turn comes (checked then, so a burst queued at once is
   * held to the budget too); a failure is counted against the key. A full queue throws
   * ScryptQueueFullError, as the main limiter does.
   */
  verify(keyId: string, work: () => Promise<boolean>): Promise<boolean | "blocked"> {
    if (!this.mayVerify(keyId)) return Promise.resolve("blocked")
    return this.limiter.run(async () => {
      if (!this.mayVerify(keyId)) return "blocked"
      const verified = await work()
      if (!verified) this.recordFailure(keyId)
      return verified
    })
  }

  /** Whether a verification against this legacy key may run now. */
  private mayVerify(keyId: string, now = Date.now()): boolean {
    const entry = this.failures.get(keyId)
    if (!entry || now - entry.since >= WINDOW_MS) return true
    if (entry.count < this.settings.failuresPerKeyPerMinute) return true
    this.blocked++
    return false
  }

  private recordFailure(keyId: string, now = Date.now()): void {
    const entry = this.failures.get(keyId)
    if (entry && now - entry.since < WINDOW_MS) {
      entry.count++
      return
    }
    this.failures.delete(keyId)
    if (this.failures.size >= MAX_TRACKED_KEYS) this.failures.delete(this.failures.keys().next().value as string)
    this.failures.set(keyId, { since: now, count: 1 })
  }
}

export function validateLegacyVerificationOption(option: unknown): LegacyVerificationSettings {
  if (option !== undefined && !isPlainObject(option)) {
    throw invalid("legacyVerification must be an object like { concurrency: 1, maxQueue: 8, failuresPerKeyPerMinute: 10 }")
  }
  const settings = { ...DEFAULT_LEGACY_VERIFICATION, ...(option as LegacyVerificationOption | undefined) }
  for (const [name, min] of [["concurrency", 1], ["maxQueue", 0], ["failuresPerKeyPerMinute", 1]] as const) {
    const value = settings[name]
    if (!Number.isInteger(value) || value < min) {
      throw invalid(`legacyVerification.${name} must be a whole number of ${min} or more; got ${JSON.stringify(value)}`)
    }
  }
  return settings
}
