import { availableParallelism } from "node:os"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { ScryptQueueOption } from "../types/options"

export type ScryptQueueSettings = Required<ScryptQueueOption>

export const DEFAULT_SCRYPT_QUEUE_MAX = 256

/** Thrown by `run` when every slot is busy and the queue is full; never a verification result. */
export class ScryptQueueFullError extends Error {
  constructor() {
    super("Too many scrypt verifications are waiting")
    this.name = "ScryptQueueFullError"
  }
}

interface Waiting {
  start: () => void
}

/**
 * Bounded concurrency for scrypt. Node runs scrypt on the libuv thread pool, which file and DNS
 * work share; without a bound, a burst of cold tokens would queue thousands of ~40 ms jobs there
 * and every other request would wait behind them.
 *
 * When the queue is full the call is refused at once (ScryptQueueFullError; authenticate answers
 * `false` for that call and does not remember it). This fails closed and keeps memory and latency
 * bounded: the only tokens that need scrypt are real tokens not yet cached (or tokens aimed at a
 * legacy key's redacted form), so under a flood the cached keys keep working from memory, and a
 * refused caller can simply retry. Waiting without a bound instead would turn the flood into
 * growing memory and timeouts for everyone.
 */
export class ScryptLimiter {
  private running = 0
  private readonly waiting: Waiting[] = []
  /** Calls refused because the queue was full, since start. */
  refused = 0

  constructor(private readonly settings: ScryptQueueSettings) {}

  get active(): number {
    return this.running
  }

  get queued(): number {
    return this.waiting.length
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.settings.concurrency) {
      if (this.waiting.length >= this.settings.maxQueue) {
        this.refused++
        throw new ScryptQueueFullError()
      }
      await new Promise<void>((start) => this.waiting.push({ start }))
    } else {
      this.running++
    }
    try {
      return await work()
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips and lets a newcomer
      // jump the queue.
      const next = this.waiting.shift()
      if (next) next.start()
      else this.running--
    }
  }
}

/** Fills in defaults and rejects nonsense at module load. */
export function validateScryptQueueOption(option: unknown): ScryptQueueSettings {
  if (option !== undefined && (typeof option !== "object" || option === null || Array.isArray(option))) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "scryptQueue must be an object like { concurrency: 4, maxQueue: 256 }")
  }
  const given = (option ?? {}) as ScryptQueueOption
  const settings = {
    concurrency: given.concurrency ?? availableParallelism(),
    maxQueue: given.maxQueue ?? DEFAULT_SCRYPT_QUEUE_MAX,
  }
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `scryptQueue.concurrency must be a whole number of 1 or more; got ${JSON.stringify(given.concurrency)}`)
  }
  if (!Number.isInteger(settings.maxQueue) || settings.maxQueue < 0) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `scryptQueue.maxQueue must be a whole number of 0 or more; got ${JSON.stringify(given.maxQueue)}`)
  }
  return settings
}
