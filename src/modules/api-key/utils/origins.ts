/**
 * A publishable key's `allowed_origins`: browser origins (`scheme://host[:port]`, never a path),
 * each exact (`https://shop.example.com`) or a wildcard over subdomains (`https://*.example.com`:
 * one or more labels under example.com, not example.com itself). Scheme and port always have to
 * match; a default port (`:443` for https, `:80` for http) is the same as none, as browsers leave
 * it out of the Origin header.
 */

/** The one shape of an origin or pattern (lower case): what validation accepts and matching parses. */
const ORIGIN_SHAPE = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/

const DEFAULT_PORT: Record<string, string> = { http: "80", https: "443" }

export interface OriginParts {
  scheme: string
  /** `https://*.example.com` → true, host "example.com". */
  wildcard: boolean
  host: string
  /** "" for the scheme's default port. */
  port: string
}

/** The parts of an origin or pattern, or null when it is not one (a path, another scheme, `null`). */
export function parseOrigin(value: string): OriginParts | null {
  const match = ORIGIN_SHAPE.exec(value.toLowerCase())
  if (!match) return null
  const [, scheme, wildcard, host, port = ""] = match
  return { scheme, wildcard: !!wildcard, host, port: port === DEFAULT_PORT[scheme] ? "" : port }
}

function matches(pattern: OriginParts, origin: OriginParts): boolean {
  if (origin.wildcard || pattern.scheme !== origin.scheme || pattern.port !== origin.port) return false
  if (!pattern.wildcard) return pattern.host === origin.host
  // At least one whole label in front: "a.example.com" and "a.b.example.com", never "example.com"
  // or "badexample.com".
  return origin.host.length > pattern.host.length + 1 && origin.host.endsWith(`.${pattern.host}`)
}

/** Whether a browser's `Origin` header value is one of the key's allowed origins. */
export function originAllowed(patterns: readonly string[], origin: string): boolean {
  const parsed = parseOrigin(origin)
  if (!parsed) return false
  return patterns.some((pattern) => {
    const allowed = parseOrigin(pattern)
    return allowed !== null && matches(allowed, parsed)
  })
}
