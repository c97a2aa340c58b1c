const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/**
 * Base64 of a string's UTF-8 bytes, the same in Node and in browsers (no `Buffer`, and unlike
 * `btoa` no failure on characters outside Latin-1), for the Basic authorization header.
 */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63]
    out += b === undefined ? "=" : ALPHABET[(n >> 6) & 63]
    out += c === undefined ? "=" : ALPHABET[n & 63]
  }
  return out
}
