import type { EntityManager } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../../../framework/modules-sdk/change-feed"
import type { Context } from "../../../framework/modules-sdk/context"
import { databaseErrorTranslator, invalid, isPlainObject, notFound } from "../../../framework/modules-sdk/errors"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import {
  buildFindOptions,
  buildWhere,
  isPlausibleId,
  MedusaService,
  normalizeIds,
  requireNonEmptyString,
  type FindConfig,
  type KeyedChanges,
  type ServiceDependencies,
} from "../../../framework/modules-sdk/service"
import { readManager, withTransaction } from "../../../framework/modules-sdk/transactions"
import { generateEntityId } from "../../../framework/modules-sdk/ids"
import type { TokenAuthenticator } from "../authentication/authenticator"
import type { SecretHasher } from "../authentication/hasher"
import { verifyLeakReportSignature } from "../authentication/leak-report-signature"
import { generateToken, parseToken, redactToken, tokenLookupDigest } from "../authentication/token"
import { unknownTokenPrefix } from "../authentication/verification-cache"
import type { NormalizedApiKeyModuleOptions } from "../loaders/options"
import { ApiKey, ApiKeyType, type ApiKeyRateLimit, type ApiKeyRow } from "../models/api-key"
import { API_KEY_HISTORY_FIELDS, ApiKeyHistory, ApiKeyHistoryAction, type ApiKeyHistoryDTO, type FilterableApiKeyHistoryProps } from "../models/api-key-history"
import type { ApiKeyHistoryRepository } from "../repositories/api-key-history-repository"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import type { ApiKeyDTO, CreateApiKeyDTO, FilterableApiKeyProps, LeakedTokenReport, LeakedTokenResult, RevokeApiKeyDTO } from "../types/api-key"
import type { ApiKeyTypes, IApiKeyModuleService } from "../types/service"
import { isActiveApiKey } from "../utils/active"
import {
  ApiKeyHistoryRecorder,
  contextActor,
  createdEntries,
  HISTORY_KEY_FIELDS,
  deleteOrRestoreEntries,
  revocationEntries,
  settingsChangeEntries,
  titleChangeEntries,
} from "./history"
import { validateCreateInput, validateKeyUpdate, validateLeakReports, validateRevokeInput, type RevokeOptions } from "./input"
import { API_KEY_SETTING_FIELDS, assertSettingsFitType } from "./key-settings"
import { KeyLifetimePolicy, type LifetimeFacts } from "./key-lifetime"
import { SecretKeyLimit } from "./secret-key-limit"
import type { KeyRateLimiter, RateLimitedKey } from "../rate-limit/limiter"
import type { RateLimitOutcome } from "../rate-limit/store"

interface InjectedDependencies extends ServiceDependencies {
  changeFeed: ChangeFeed
  apiKeyOptions: NormalizedApiKeyModuleOptions
  apiKeyRepository: ApiKeyRepository
  apiKeyHasher: SecretHasher
  apiKeyAuthenticator: TokenAuthenticator
  apiKeyHistory: ApiKeyHistoryRecorder
  apiKeyHistoryRepository: ApiKeyHistoryRepository
  apiKeyRateLimiter: KeyRateLimiter
}

type OneOrMany<T> = T | T[]
type Row = Record<string, any>

/**
 * Medusa's API Key Module service. The generic methods (list, retrieve, update, delete … in both
 * naming eras) are generated from the ApiKey model; this class adds only what is the module's own:
 * creating keys (token generation and hashing), revoking, authenticating, and the rules the
 * generic methods must respect here (secret tokens never shown, only the title is updatable, only
 * revoked keys are deletable, the optional secret-key limit).
 */
export class ApiKeyModuleService extends MedusaService<{ ApiKey: ApiKeyTypes }>({ ApiKey }) implements IApiKeyModuleService {
  protected readonly keys_: ApiKeyRepository
  protected readonly hasher_: SecretHasher
  protected readonly authenticator_: TokenAuthenticator
  protected readonly secretKeyLimit_: SecretKeyLimit
  protected readonly feed_: ChangeFeed
  protected readonly history_: ApiKeyHistoryRecorder
  protected readonly historyRepository_: ApiKeyHistoryRepository
  protected readonly options_: NormalizedApiKeyModuleOptions
  protected readonly lifetime_: KeyLifetimePolicy
  protected readonly rateLimiter_: KeyRateLimiter

  constructor(deps: InjectedDependencies) {
    super(deps)
    this.keys_ = deps.apiKeyRepository
    this.hasher_ = deps.apiKeyHasher
    this.authenticator_ = deps.apiKeyAuthenticator
    this.feed_ = deps.changeFeed
    this.history_ = deps.apiKeyHistory
    this.historyRepository_ = deps.apiKeyHistoryRepository
    this.options_ = deps.apiKeyOptions
    this.rateLimiter_ = deps.apiKeyRateLimiter
    this.secretKeyLimit_ = new SecretKeyLimit(deps.apiKeyRepository, deps.apiKeyOptions.secretKeyLimit)
    this.lifetime_ = new KeyLifetimePolicy(deps.apiKeyOptions.maxLifetime)
  }

  // ---- how the generated methods treat api keys --------------------------------------------

  /** `token` holds a secret key's hash: a token filter may only ever match publishable keys. */
  protected filterRules_() {
    return { token: (condition: unknown) => ({ token: condition, type: ApiKeyType.PUBLISHABLE }) }
  }

  /** `type` decides whether `token` may be shown, so it is read whenever `token` is. */
  protected readFields_(_name: string, fields: string[] | undefined): string[] | undefined {
    return fields?.includes("token") && !fields.includes("type") ? [...fields, "type"] : fields
  }

  /** Never the stored hash: a secret key's `token` reads as "". */
  protected serialize_(name: string, row: Row, select?: readonly string[]): Row {
    const dto = super.serialize_(name, row, select)
    if ("token" in dto && row.type === ApiKeyType.SECRET) dto.token = ""
    return dto
  }

  /** An asked-for expiry becomes its instant here, checked against `maxLifetime` (the call's `where` names the key). */
  protected parseCreate_(_name: string, data: unknown, where: string): Row {
    const { expires_in, ...input } = validateCreateInput(data, where, this.options_.knownScopes)
    return { ...input, expires_at: this.lifetime_.requestedExpiry(input.type as ApiKeyType, { expires_in, expires_at: input.expires_at }, new Date(), where) }
  }

  protected parseUpdate_(_name: string, data: unknown, where: string): Row {
    return validateKeyUpdate(data, where, this.options_.knownScopes)
  }

  protected duplicateMessage_(): string {
    return "An api key with the same id or token already exists"
  }

  /** Only revoked keys can be deleted, as in Medusa. */
  protected async beforeDelete_(_name: string, em: EntityManager, ids: string[]): Promise<void> {
    const active = await this.keys_.findActiveIds(em, ids, new Date())
    if (active.length) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot delete api keys that are not revoked - ${active.join(", ")}`)
    }
  }

  /** Restoring an active secret key counts against the optional limit like creating one. */
  protected async beforeRestore_(_name: string, em: EntityManager, ids: string[]): Promise<void> {
    const now = new Date()
    const deleted = (await this.keys_.findByIds(em, ids, { withDeleted: true, lock: "update" })).filter((k) => k.deleted_at)
    const reactivated = deleted.filter((k) => k.type === ApiKeyType.SECRET && isActiveApiKey(k, now))
    await this.secretKeyLimit_.assertRoomFor(em, reactivated as CreateApiKeyDTO[], now)
  }

  // ---- create ------------------------------------------------------------------------------

  protected async create_(_name: string, inputs: Row[], sharedContext?: Context): Promise<Row[]> {
    const keys = inputs as CreateApiKeyDTO[]
    if (!keys.length) return []
    const actor = contextActor(sharedContext)
    // Reject over-limit calls before paying for scrypt.
    this.secretKeyLimit_.assertBatchWithinLimit(keys)
    const now = new Date()
    const predecessors = await this.findPredecessors_(keys, sharedContext)
    const rawTokens = new Map<string, string>()
    const rows: Partial<ApiKeyRow>[] = []
    // Hashing happens outside the transaction: no row lock or advisory lock is held for ~40 ms.
    for (const input of keys) {
      const type = input.type as ApiKeyType
      const token = generateToken(type, this.options_.tokenFormat)
      const id = generateEntityId(ApiKey.fields.idPrefix)
      rawTokens.set(id, token)
      const hashed = type === ApiKeyType.SECRET ? await this.hasher_.hash(token) : null
      rows.push({
        id,
        token: hashed ? hashed.hash : token,
        salt: hashed ? hashed.salt : "",
        redacted: redactToken(token),
        title: input.title,
        type,
        token_lookup: hashed ? tokenLookupDigest(token) : null,
        created_by: input.created_by,
        expires_at: (input.expires_at as Date | undefined) ?? this.lifetime_.defaultExpiry(type, now, predecessors.get(input.predecessor_id!)),
        scopes: input.scopes ?? null,
        allowed_origins: input.allowed_origins ?? null,
        rate_limit: input.rate_limit ?? null,
        metadata: input.metadata ?? null,
      })
    }
    const stored = await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.secretKeyLimit_.assertRoomFor(em, keys, new Date())
      await this.keys_.insert(em, rows)
      // A token remembered as unknown by any process (a secret one by authenticate, a publishable
      // one by the store's key check) must work as soon as its key exists.
      const created = rows.map((r) => unknownTokenPrefix(r.token_lookup ?? tokenLookupDigest(r.token!)))
      await this.feed_.publish(em, ApiKey.tableName, { n: created })
      await this.afterWrite_("ApiKey", em, rows.map((r) => r.id!), "created")
      const inserted = await this.keys_.findByIds(em, rows.map((r) => r.id!))
      // Stamped with the keys' own created_at (the transaction's start, the column's default).
      if (inserted.length) await this.history_.record(em, createdEntries(inserted, actor), new Date(inserted[0].created_at))
      return inserted
    }).catch(translateDatabaseError)
    const byId = new Map(stored.map((row) => [row.id, row]))
    // The create response is the only place a secret key's raw token ever appears.
    // `salt` is present with the value undefined, as on Medusa's create results (JSON leaves it out).
    return rows.map((r) => ({ ...this.serialize_("ApiKey", byId.get(r.id!)!), token: rawTokens.get(r.id!), salt: undefined }))
  }

  /** The keys that new keys replace (a roll), for their lifetime; deleted ones too, since the successor outlives them. */
  private async findPredecessors_(keys: CreateApiKeyDTO[], sharedContext?: Context): Promise<Map<string, LifetimeFacts>> {
    const ids = [...new Set(keys.flatMap((key) => (key.predecessor_id ? [key.predecessor_id] : [])))]
    if (!ids.length) return new Map()
    const plausible = ids.filter(isPlausibleId)
    const em = readManager(this.orm_, sharedContext)
    const found = await this.keys_.findByIds(em, plausible, { withDeleted: true, fields: ["id", "created_at", "expires_at"] }).catch(translateDatabaseError)
    const byId = new Map<string, LifetimeFacts>(found.map((key) => [key.id, key]))
    const missing = ids.filter((id) => !byId.has(id))
    if (missing.length) throw notFound(ApiKey.name, missing)
    return byId
  }

  // ---- revoke ------------------------------------------------------------------------------

  async revoke(id: string, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  async revoke(selector: string[] | FilterableApiKeyProps, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO[]>
  async revoke(idOrSelector: string | string[] | FilterableApiKeyProps, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<OneOrMany<ApiKeyDTO>> {
    const options = validateRevokeInput(data)
    if (typeof idOrSelector === "string") {
      requireNonEmptyString(idOrSelector, "id")
      const [revoked] = await this.revoke_({ ids: [idOrSelector] }, options, sharedContext)
      return revoked
    }
    if (Array.isArray(idOrSelector)) {
      return this.revoke_({ ids: normalizeIds(ApiKey, idOrSelector, "revoke") }, options, sharedContext)
    }
    if (!isPlainObject(idOrSelector)) throw invalid("revoke expects an api key id, an array of ids, or a selector")
    return this.revoke_({ selector: idOrSelector }, options, sharedContext)
  }

  protected async revoke_(target: { ids: string[] } | { selector: FilterableApiKeyProps }, options: RevokeOptions, sharedContext?: Context): Promise<ApiKeyDTO[]> {
    const { revokedBy, revokeInSeconds, unscheduledOnly, successorId, onlyActive, reason, details } = options
    // The history names who revoked: revoked_by when given, else the caller's context.
    const actor = revokedBy ?? contextActor(sharedContext)
    return withTransaction(this.orm_, sharedContext, async (em) => {
      const found = await this.findForRevoke(em, target, onlyActive)
      const now = new Date()
      const keys = onlyActive ? found.filter((key) => isActiveApiKey(key, now)) : found
      if (!keys.length && onlyActive) return []
      const revokedAt = new Date(now.getTime() + revokeInSeconds * 1000)
      assertRevocable(keys, now, revokedAt, unscheduledOnly)
      const ids = keys.map((k) => k.id)
      if (successorId) await this.assertSuccessor(em, successorId, ids)
      await this.keys_.revoke(em, ids, revokedAt, revokedBy, now)
      await this.afterWrite_("ApiKey", em, ids, "updated")
      await this.history_.record(em, revocationEntries(keys, { now, revokedAt, revokeInSeconds, successorId, reason, details }, actor), now)
      return (await this.keys_.findByIds(em, ids)).map((row) => this.serialize_("ApiKey", row) as ApiKeyDTO)
    }).catch(translateDatabaseError)
  }

  /** A roll names a successor that exists and is not one of the keys it replaces. */
  private async assertSuccessor(em: EntityManager, successorId: string, revokedIds: string[]): Promise<void> {
    if (revokedIds.includes(successorId)) throw invalid(`successor_id must name another key than the one revoked; got ${successorId}`)
    const [successor] = isPlausibleId(successorId) ? await this.keys_.findByIds(em, [successorId], { fields: ["id"] }) : []
    if (!successor) throw notFound(ApiKey.name, [successorId])
  }

  /**
   * Rows are locked so two concurrent revokes serialise: the second sees the first's revoked_at.
   * Missing ids are refused, unless `skipMissing` (a leak report's keys may be deleted meanwhile).
   */
  private async findForRevoke(em: EntityManager, target: { ids: string[] } | { selector: FilterableApiKeyProps }, skipMissing = false): Promise<ApiKeyRow[]> {
    if ("selector" in target) {
      const matched = await this.listApiKeys(target.selector, { select: ["id"] }, { transactionManager: em })
      return this.keys_.findByIds(em, matched.map((k) => k.id), { lock: "update" })
    }
    const impossible = target.ids.filter((id) => !isPlausibleId(id))
    if (impossible.length) throw notFound(ApiKey.name, impossible)
    const keys = await this.keys_.findByIds(em, target.ids, { lock: "update" })
    if (skipMissing) return keys
    const found = new Set(keys.map((k) => k.id))
    const missing = target.ids.filter((id) => !found.has(id))
    if (missing.length) throw notFound(ApiKey.name, missing)
    return keys
  }

  // ---- leak response ---------------------------------------------------------------------------

  /**
   * Whether a leak report was signed by one of the `secretScanning.publicKeys` (ECDSA P-256,
   * SHA-256, base64 DER, over exactly the bytes received). False for anything missing or garbled.
   */
  verifySecretScanningSignature(payload: Buffer | string, keyIdentifier: unknown, signature: unknown): boolean {
    const bytes = typeof payload === "string" ? Buffer.from(payload) : payload
    return verifyLeakReportSignature(this.options_.secretScanning, bytes, keyIdentifier, signature)
  }

  /**
   * Handles leaked tokens (not in Medusa): every one that belongs to an active secret key revokes
   * it at once, `revoked_by: "secret-scanning"`, recorded in the key history as `revoked` with
   * `reason: "leaked"` and the report's details, with the usual `api_key.api-key.updated` event
   * and change notice (so every process's caches drop it). Publishable tokens are public by
   * design: reported, never revoked. Each token gets a label decided without the database (see
   * LeakLabel), so an answer never says whether a key had the token.
   */
  async revokeLeakedTokens(reports: (LeakedTokenReport | string)[], sharedContext?: Context): Promise<LeakedTokenResult[]> {
    const items = validateLeakReports(reports)
    const wellFormed = items.map((item) => parseToken(item.token) !== null)
    const tokens = items.filter((_, index) => wellFormed[index]).map((item) => item.token)
    // Every well-formed token goes through the same single lookup, found or not.
    const keys = tokens.length
      ? await this.authenticator_.resolveLeakedTokens(tokens, readManager(this.orm_, sharedContext)).catch(translateDatabaseError)
      : new Map<string, ApiKeyRow>()
    const secretIds = [...new Set([...keys.values()].filter((key) => key.type === ApiKeyType.SECRET).map((key) => key.id))]
    const details = new Map<string, Record<string, unknown>>()
    for (const item of items) {
      const key = keys.get(item.token)
      if (key?.type !== ApiKeyType.SECRET || details.has(key.id)) continue
      const { type, url, source } = item
      if (type !== undefined || url !== undefined || source !== undefined) details.set(key.id, { leak: { type, url, source } })
    }
    const revoked = secretIds.length
      ? await this.revoke_(
          { ids: secretIds },
          { revokedBy: LEAK_REVOKER, revokeInSeconds: 0, unscheduledOnly: false, successorId: null, onlyActive: true, reason: "leaked", details },
          sharedContext
        )
      : []
    const revokedIds = new Set(revoked.map((key) => key.id))
    return items.map((item, index): LeakedTokenResult => {
      const key = keys.get(item.token)
      const outcome = !wellFormed[index]
        ? "malformed"
        : key?.type === ApiKeyType.PUBLISHABLE
          ? "publishable"
          : key && revokedIds.has(key.id)
            ? "revoked"
            : "no_active_key"
      return {
        token_hash: tokenLookupDigest(item.token),
        ...(item.type !== undefined ? { token_type: item.type } : {}),
        label: wellFormed[index] ? "true_positive" : "false_positive",
        outcome,
        ...(outcome === "revoked" || outcome === "publishable" ? { api_key_id: key!.id } : {}),
      }
    })
  }

  // ---- the history of generic changes ------------------------------------------------------
  // The generated update, delete, soft delete and restore run inside these, in one transaction:
  // the rows they will change are read (public fields only, locked) first, and the history of
  // what changed is written after them, before the commit.

  /** Title and settings changes, with the caller's context actor. */
  protected async updateRows_(name: string, updates: KeyedChanges[], sharedContext?: Context): Promise<Row[]> {
    if (!updates.length) return []
    const actor = contextActor(sharedContext)
    return withTransaction(this.orm_, sharedContext, async (em) => {
      const ids = [...new Set(updates.map((u) => u.id))].filter(isPlausibleId)
      const before = await this.keys_.findByIds(em, ids, { lock: "update", fields: [...HISTORY_KEY_FIELDS, ...API_KEY_SETTING_FIELDS] })
      const types = new Map(before.map((key) => [key.id, key.type as string]))
      for (const { id, changes } of updates) {
        if (types.has(id)) assertSettingsFitType(types.get(id)!, changes, id)
      }
      const updated = await super.updateRows_(name, updates, { ...sharedContext, transactionManager: em })
      const entries = [...titleChangeEntries(before, updated as ApiKeyDTO[], actor), ...settingsChangeEntries(before, updated as ApiKeyDTO[], actor)]
      // Stamped with the update's own time (every key it changed got the same updated_at).
      const changed = (updated as ApiKeyDTO[]).find((key) => key.id === entries[0]?.api_key_id)
      if (changed) await this.history_.record(em, entries, new Date(changed.updated_at))
      return updated
    }).catch(translateDatabaseError)
  }

  protected async delete_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    await this.withDeleteOrRestoreHistory_(ApiKeyHistoryAction.DELETED, requested, sharedContext, { withDeleted: true }, (ids, ctx) => super.delete_(name, ids, ctx))
  }

  protected async softDelete_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    await this.withDeleteOrRestoreHistory_(ApiKeyHistoryAction.SOFT_DELETED, requested, sharedContext, { withDeleted: false }, (ids, ctx) =>
      super.softDelete_(name, ids, ctx)
    )
  }

  protected async restore_(name: string, requested: string[], sharedContext?: Context): Promise<void> {
    await this.withDeleteOrRestoreHistory_(ApiKeyHistoryAction.RESTORED, requested, sharedContext, { withDeleted: true, deletedOnly: true }, (ids, ctx) =>
      super.restore_(name, ids, ctx)
    )
  }

  /**
   * Runs a delete, soft delete or restore and records it for the keys it changes: those found
   * (locked) before it runs — every existing key for a delete, live keys for a soft delete,
   * soft-deleted keys for a restore. A refused delete throws before anything is recorded.
   */
  private async withDeleteOrRestoreHistory_(
    action: typeof ApiKeyHistoryAction.DELETED | typeof ApiKeyHistoryAction.SOFT_DELETED | typeof ApiKeyHistoryAction.RESTORED,
    requested: string[],
    sharedContext: Context | undefined,
    scope: { withDeleted: boolean; deletedOnly?: boolean },
    change: (ids: string[], context: Context) => Promise<void>
  ): Promise<void> {
    const ids = requested.filter(isPlausibleId)
    if (!ids.length) return
    const actor = contextActor(sharedContext)
    await withTransaction(this.orm_, sharedContext, async (em) => {
      const found = await this.keys_.findByIds(em, ids, { withDeleted: scope.withDeleted, lock: "update", fields: HISTORY_KEY_FIELDS })
      const changing = scope.deletedOnly ? found.filter((key) => key.deleted_at) : found
      await change(ids, { ...sharedContext, transactionManager: em })
      await this.history_.record(em, deleteOrRestoreEntries(action, changing, actor), new Date())
    }).catch(translateDatabaseError)
  }

  // ---- reading and pruning the history ---------------------------------------------------------

  /**
   * History entries, newest first unless `order` says otherwise: filter by `api_key_id`, `action`,
   * `actor`, `id` or `created_at` (operator maps as on keys). Entries of deleted keys stay readable.
   */
  async listApiKeyHistory(filters?: FilterableApiKeyHistoryProps, config?: FindConfig, sharedContext?: Context): Promise<ApiKeyHistoryDTO[]> {
    return (await this.findHistory_(filters, config, sharedContext, false))[0]
  }

  async listAndCountApiKeyHistory(filters?: FilterableApiKeyHistoryProps, config?: FindConfig, sharedContext?: Context): Promise<[ApiKeyHistoryDTO[], number]> {
    return this.findHistory_(filters, config, sharedContext, true)
  }

  /**
   * Deletes the history entries recorded before `older_than` (the retention: entries are kept
   * until this is called, e.g. by `keys:history-prune --older-than 90d`). Returns how many went.
   */
  async pruneApiKeyHistory(data: { older_than: Date | string }, sharedContext?: Context): Promise<number> {
    const olderThan = data && (typeof data.older_than === "string" || data.older_than instanceof Date) ? new Date(data.older_than) : null
    if (!olderThan || Number.isNaN(olderThan.getTime())) {
      throw invalid(`pruneApiKeyHistory expects { older_than: <a date> }; got ${JSON.stringify(data?.older_than)}`)
    }
    return withTransaction(this.orm_, sharedContext, (em) => this.historyRepository_.deleteRecordedBefore(em, olderThan)).catch(translateDatabaseError)
  }

  private async findHistory_(filters: unknown, config: FindConfig | undefined, sharedContext: Context | undefined, withCount: boolean): Promise<[ApiKeyHistoryDTO[], number]> {
    const options = buildFindOptions(ApiKeyHistory, config)
    if (config?.order === undefined) options.orderBy = { created_at: "desc", id: "desc" }
    const where = buildWhere(ApiKeyHistory, filters)
    const em = readManager(this.orm_, sharedContext)
    const rows = await this.historyRepository_.select(em, where, options).catch(translateDatabaseError)
    const count = withCount ? await this.historyRepository_.count(em, where).catch(translateDatabaseError) : 0
    const fields = config?.select ?? API_KEY_HISTORY_FIELDS
    return [rows.map((row) => Object.fromEntries(fields.map((field) => [field, (row as Row)[field] ?? null])) as ApiKeyHistoryDTO), count]
  }

  // ---- authenticate ------------------------------------------------------------------------

  /**
   * The key for a valid, unrevoked secret token, else `false`. Never throws for bad input and
   * never accepts publishable keys. See authentication/authenticator for the constant-work path.
   */
  async authenticate(token: unknown, sharedContext?: Context): Promise<ApiKeyDTO | false> {
    // Database failures are translated like everywhere else: a raw driver error would carry the
    // query with its values (the lookup digest) into logs.
    const key = await this.authenticator_.authenticate(token, sharedContext).catch(translateDatabaseError)
    return key ? (this.serialize_("ApiKey", key) as ApiKeyDTO) : false
  }

  authenticationStats() {
    return this.authenticator_.stats()
  }

  knownScopes(): string[] {
    return [...this.options_.knownScopes].sort()
  }

  flushLastUsed(): Promise<void> {
    return this.authenticator_.flushLastUsed()
  }

  // ---- rate limits -------------------------------------------------------------------------

  /**
   * Counts one request of an authenticated key against its `rate_limit` (else the module's
   * default) and says whether it may proceed; null when no limit applies. Takes the key as
   * authentication returned it, so a warm request sends no query. Throws service_unavailable when
   * the store is unreachable and `rateLimit.onStoreError` is "closed".
   */
  /** The limit that applies to the key (its own `rate_limit`, else the module's default); null when none does. */
  rateLimitOf(key: RateLimitedKey): ApiKeyRateLimit | null {
    return this.rateLimiter_.limitOf(key)
  }

  consumeRateLimit(key: RateLimitedKey): Promise<RateLimitOutcome | null> {
    if (!isPlainObject(key) || typeof key.id !== "string") {
      return Promise.reject(invalid(`consumeRateLimit needs the authenticated key ({ id, rate_limit? }); got ${JSON.stringify(key)}`))
    }
    return this.rateLimiter_.consume(key)
  }

  async onApplicationShutdown(): Promise<void> {
    await this.authenticator_.close()
    await this.rateLimiter_.close()
    await super.onApplicationShutdown()
  }
}

const translateDatabaseError = databaseErrorTranslator("An api key with the same id or token already exists")

/** `revoked_by` (and the history's actor) of a revocation caused by a leak report. */
export const LEAK_REVOKER = "secret-scanning"

/**
 * The lifecycle rules of a revocation, checked on the locked rows: one that has taken effect is
 * final, and an expired key counts as revoked (Medusa's message for secret keys; publishable keys
 * too, so re-revoking never un-revokes),
 * and one that is scheduled can only be brought forward. `unscheduledOnly` (used by roll) also
 * refuses a key whose revocation is already scheduled, so concurrent rolls make one successor.
 */
function assertRevocable(keys: ApiKeyRow[], now: Date, revokedAt: Date, unscheduledOnly: boolean): void {
  const revoked = keys.filter((k) => !isActiveApiKey(k, now))
  const revokedSecrets = revoked.filter((k) => k.type === ApiKeyType.SECRET)
  if (revokedSecrets.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `There are ${revokedSecrets.length} secret keys that are already revoked.`)
  }
  if (revoked.length) {
    const key = revoked[0]
    const ended =
      key.revoked_at && key.revoked_at.getTime() <= now.getTime()
        ? `was revoked at ${key.revoked_at.toISOString()}; a revocation that has taken effect is final`
        : `expired at ${key.expires_at!.toISOString()}; an expiry that has taken effect is final`
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Api key ${key.id} ${ended}`)
  }
  for (const key of keys) {
    if (!key.revoked_at) continue
    if (unscheduledOnly) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Api key ${key.id} is already scheduled to be revoked at ${key.revoked_at.toISOString()} (rolled or revoked before); roll its successor instead`
      )
    }
    if (revokedAt.getTime() > key.revoked_at.getTime()) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Api key ${key.id} is already scheduled to be revoked at ${key.revoked_at.toISOString()}; a scheduled revocation can only be brought forward`
      )
    }
  }
}
