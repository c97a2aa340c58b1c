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
