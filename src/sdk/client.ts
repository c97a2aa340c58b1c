import { base64 } from "./base64"
import { toQueryString } from "./query-string"
import type { ClientHeaders, Config } from "./types"

/**
 * A request the server refused (any status from 300 up). As Medusa's js-sdk FetchError it has
 * `message`, `status` and `statusText`; it also carries the `type` (and `code`, when there is
 * one) of the server's error body, so a caller can tell `not_found` from `invalid_data` without
 * parsing the message.
 */
export class FetchError extends Error {
  readonly status: number | undefined
  readonly statusText: string | undefined
  /** The MedusaError type from the body (`not_found`, `invalid_data`, `unauthorized`, …). */
  readonly type: string | undefined
  readonly code: string | undefined

  constructor(message: string, statusText?: string, status?: number, type?: string, code?: string) {
    super(message)
    this.name = "FetchError"
    this.statusText = statusText
    this.status = status
    this.type = type
    this.code = code
  }
}

export interface FetchArgs {
  method?: "GET" | "POST" | "DELETE"
  /** Serialised into the URL in the bracket syntax the server parses (see query-string.ts). */
  query?: object
  /** Sent as JSON. */
  body?: unknown
  headers?: ClientHeaders
}

/** The server's error body, when the response has one. */
interface ErrorBody {
  type?: unknown
  message?: unknown
  code?: unknown
}

async function readErrorBody(response: Response): Promise<ErrorBody> {
  try {
    const body = (await response.json()) as unknown
    return typeof body === "object" && body !== null ? (body as ErrorBody) : {}
  } catch {
    // A proxy's HTML page or an empty body: status and statusText are all there is.
    return {}
  }
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/**
 * Sends requests to the server: JSON in and out, the configured keys as headers, non-2xx answers
 * thrown as FetchError. Only platform APIs (fetch, TextEncoder), so it runs in Node and browsers.
 */
export class Client {
  private readonly baseUrl: string
  private readonly defaultHeaders: Record<string, string>
  private readonly globalHeaders: ClientHeaders
  private readonly fetchImpl: typeof fetch

  constructor(config: Config = {}) {
    this.baseUrl = (config.baseUrl ?? "").replace(/\/+$/, "")
    this.defaultHeaders = {
      accept: "application/json",
      "content-type": "application/json",
      ...(config.apiKey ? { authorization: `Basic ${base64(`${config.apiKey}:`)}` } : {}),
      ...(config.publishableKey ? { "x-publishable-api-key": config.publishableKey } : {}),
    }
    this.globalHeaders = config.globalHeaders ?? {}
    // Bound lazily, so a fetch installed after the client was built (a test polyfill) is used.
    this.fetchImpl = config.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  /** A request to `path` (e.g. `/admin/api-keys`), resolving to the parsed JSON body. */
  async fetch<T>(path: string, init: FetchArgs = {}): Promise<T> {
    const query = toQueryString(init.query as Record<string, unknown> | undefined)
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ""}`
    const response = await this.fetchImpl(url, {
      method: init.method ?? "GET",
      headers: this.headersFor(init.headers),
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    if (response.status >= 300) {
      const body = await readErrorBody(response)
      throw new FetchError(text(body.message) ?? response.statusText, response.statusText, response.status, text(body.type), text(body.code))
    }
    return (await response.json()) as T
  }

  /** Defaults, then global headers, then the request's own; names compared case-insensitively. */
  private headersFor(requestHeaders: ClientHeaders | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...this.defaultHeaders }
    for (const layer of [this.globalHeaders, requestHeaders ?? {}]) {
      for (const [name, value] of Object.entries(layer)) {
        if (value === null) delete headers[name.toLowerCase()]
        else headers[name.toLowerCase()] = value
      }
    }
    return headers
  }
}

/** A path segment from an id: encoded, so an id can never reach another route. */
export function segment(id: string): string {
  return encodeURIComponent(id)
}
