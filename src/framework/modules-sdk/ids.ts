import { randomBytes } from "node:crypto"

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32, sortable by time. */
export function ulid(now = Date.now()): string {
  let time = ""
  let ms = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32] + time
    ms = Math.floor(ms / 32)
  }
  const bytes = randomBytes(10)
  let bits = 0
  let value = 0
  let random = ""
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      random += CROCKFORD[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  return time + random
}

/** Medusa's id shape: `<prefix>_<ULID>`, e.g. `apk_01J…` (the bare ULID for a model without a prefix). */
export function generateEntityId(prefix?: string): string {
  return prefix ? `${prefix}_${ulid()}` : ulid()
}

/**
 * Ids that sort in the order this function made them, also within one millisecond (where plain
 * ULIDs are random): a record that orders by (created_at, id) lists rows written in the same
 * millisecond in the order they were written. The random part of a repeat is the previous one
 * plus one, as in the ULID spec's monotonic mode; across processes the time part decides.
 */
export function monotonicIdFactory(prefix?: string): (now?: number) => string {
  let lastTime = -1
  let lastRandom = 0n
  const RANDOM_MAX = (1n << 80n) - 1n
  return (now = Date.now()) => {
    if (now <= lastTime && lastRandom < RANDOM_MAX) {
      lastRandom += 1n
    } else {
      lastTime = Math.max(now, lastTime)
      lastRandom = BigInt(`0x${randomBytes(10).toString("hex")}`) >> 1n // a spare bit, so increments never overflow in practice
    }
    let random = ""
    let value = lastRandom
    for (let i = 0; i < 16; i++) {
      random = CROCKFORD[Number(value & 31n)] + random
      value >>= 5n
    }
    const id = ulid(lastTime).slice(0, 10) + random
    return prefix ? `${prefix}_${id}` : id
  }
}
