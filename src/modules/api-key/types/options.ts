import type { ModuleDatabaseOptions } from "../../../framework/modules-sdk/database"
import type { ScryptParams } from "../authentication/hasher"
import type { LegacyVerificationOption } from "../authentication/legacy-guard"
import type { TokenFormat } from "../authentication/token"
import type { ApiKeyRateLimit } from "../models/api-key"
export type { LegacyVerificationOption, TokenFormat }

export interface SecretKeyLimitOption {
  /** How many active secret keys may exist in one scope (Medusa's old rule is 1). */
  max: number
  /** One scope per creator (`created_by`), or one for the whole store. */
  per: "created_by" | "store"
}

/** The verified-token cache of `authenticate` (see services/verification-cache). */
export interface AuthCacheOption {
  /** Most keys held at once; the oldest entry goes first when full. Default 10000. */
  max?: number
  /** How long a verified key is served from memory before it is checked again. Default 60000. */
  ttlMs?: number
  /** How long a token that matched no key is remembered as unknown. Default 2000; 0 turns it off. */
  negativeTtlMs?: number
  /**
   * Upper bound on how long a change made by another process (revoke, delete …) may go unseen
   * here. The cache is served only while the change feed has proved itself live within this
   * window; otherwise every call goes to the database. Default 1000.
   */
  propagationMs?: number
}

/** Writing `last_used_at` on successful authentication (see services/last-used-tracker). */
export interface LastUsedAtOption {
  /** At most one write per key per interval, per process. Default 60000. */
  intervalMs?: number
  /** How long used ids wait before they are written in one UPDATE. Default 1000. */
  flushMs?: number
}

/** Bounds on the scrypt work of cold verifications (see services/scrypt-limiter). */
export interface ScryptQueueOption {
  /** Verifications running at once. Default: the number of CPUs. */
  concurrency?: number
  /** Verifications waiting for a slot; beyond that a call is refused (authenticate → false). Default 256. */
  maxQueue?: number
}

/**
 * The longest a new key of each type may live: seconds, or a duration such as "90d" (units s, m,
 * h, d). A type left out has no maximum (the default: keys never expire unless asked to, as in
 * Medusa). With a maximum, a key created without `expires_at` / `expires_in` expires after the
 * maximum, and asking for longer is refused (invalid_data). A rolled key's successor keeps its
 * predecessor's lifetime length, capped by the maximum.
 */
export interface MaxLifetimeOption {
  secret?: number | string
  publishable?: number | string
}

/** Per-key rate limits (see rate-limit/limiter and README "Rate limits"). */
export interface RateLimitOption {
  /** The limit of keys whose own `rate_limit` is null. Default null: only keys with their own limit are limited. */
  default?: ApiKeyRateLimit | null
  /**
   * Where requests are counted. "auto" (default): Redis when `redisUrl` or the app's
   * `projectConfig.redisUrl` is set, shared by every server; else "memory", where each server
   * counts on its own. "redis" without a URL is refused at start.
   */
  store?: "auto" | "redis" | "memory"
  /** Redis for the counters; default the app's `projectConfig.redisUrl`. */
  redisUrl?: string
  /** Prefix of the counters' Redis keys. Default "medusa:rate-limit:". */
  keyPrefix?: string
  /** Redis unreachable: "open" (default) serves without limits, "closed" answers 503. Logged once per outage. */
  onStoreError?: "open" | "closed"
}

export interface ApiKeyModuleOptions {
  database?: ModuleDatabaseOptions
  /** scrypt cost for new secret keys. Default { logN: 14, r: 8, p: 1 }, Medusa's cost. */
  scrypt?: Partial<ScryptParams>
  /** Off by default: any number of active secret keys. */
  secretKeyLimit?: SecretKeyLimitOption
  /** On by default; `false` sends every authenticate to the database. */
  authCache?: AuthCacheOption | false
  /** On by default; `false` never writes `last_used_at`. */
  lastUsedAt?: LastUsedAtOption | false
  scryptQueue?: ScryptQueueOption
  /** Bounds on verifying tokens against keys Medusa created (see authentication/legacy-guard). */
  legacyVerification?: LegacyVerificationOption
  /**
   * How new secret keys are hashed. "scrypt-kdf" (default): this module's self-describing format.
   * "medusa": Medusa's own (hex scrypt with a separate salt, N=2^14, r=8, p=1), so that the keys
   * keep working if the store returns to Medusa's module. Keys Medusa made keep its format either way.
   */
  hashFormat?: HashFormat
  /**
   * How the caches hear of changes made by other processes. Default: PostgreSQL LISTEN/NOTIFY, or
   * the app's Redis (`projectConfig.redisUrl`) when it has one. `redisUrl` runs the feed over Redis
   * pub/sub — needed when the database is reached through a transaction-pooling proxy (PgBouncer
   * in transaction mode), where LISTEN does not work and the caches are otherwise not served.
   */
  changeFeed?: { redisUrl?: string }
  /**
   * Scopes of the app's own routes (`resource:action`, e.g. `"report:read"`), accepted on keys
   * beside the built-in ones (see utils/scopes) and checked by `authorize("report:read")`.
   */
  customScopes?: string[]
  /** Off by default; e.g. `{ secret: "90d" }` makes every secret key expire within 90 days (see MaxLifetimeOption). */
  maxLifetime?: MaxLifetimeOption
  /**
   * The format of new tokens. "medusa" (default): `sk_` / `pk_` + 64 hex characters, as Medusa
   * makes them. "checksummed": `sk_` / `pk_` + 43 base62 characters + a 6-character base62 CRC32
   * checksum (52 characters in all), which secret scanners find with
   * `\b(sk|pk)_[0-9A-Za-z]{49}\b` and which is refused offline when mistyped. Tokens of both
   * formats authenticate whatever this says, so keys made before a switch keep working.
   */
  tokenFormat?: TokenFormat
  /** Leak reports from GitHub's secret scanning partner programme (`POST /hooks/secret-scanning`). Off without keys. */
  secretScanning?: SecretScanningOption
  /** Per-key rate limits: the default limit, the store (memory or Redis) and what to do when Redis is unreachable. */
  rateLimit?: RateLimitOption
}

/** One of GitHub's secret scanning public keys, as https://api.github.com/meta/public_keys/secret_scanning lists them. */
export interface SecretScanningPublicKey {
  /** What the `Github-Public-Key-Identifier` header names. */
  key_identifier: string
  /** The ECDSA P-256 public key, PEM ("-----BEGIN PUBLIC KEY-----…"). */
  key: string
  /** Listed by GitHub; ignored (every configured key is accepted, so a rotation needs no restart at the switch). */
  is_current?: boolean
}

export interface SecretScanningOption {
  /** The keys a report's signature may verify against; GitHub's `public_keys` array can be pasted as is. */
  publicKeys: SecretScanningPublicKey[]
}

export type HashFormat = "scrypt-kdf" | "medusa"
