import type { MikroORM, EntityManager } from "@mikro-orm/postgresql"
import { databaseErrorTranslator, installMethodAliases, isContext, isPlainObject } from "../../../framework/modules-sdk/service-helpers"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import type { Context } from "../../../framework/modules-sdk/context"
import { readManager, withTransaction } from "../../../framework/modules-sdk/database"
import { ApiKeyType, type ApiKey } from "../models/api-key"
import type { ApiKeyRepository, NewApiKeyRow } from "../repositories/api-key-repository"
import type {
  ApiKeyDTO,
  ApiKeyFindConfig,
  CreateApiKeyDTO,
  FilterableApiKeyProps,
  RevokeApiKeyDTO,
  UpdateApiKeyDTO,
  UpsertApiKeyDTO,
} from "../types/api-key"
import type { ApiKeyModuleOptions } from "../types/options"
import { generateEntityId } from "../../../framework/modules-sdk/ids"
import { normalizeIds, notFound, requireNonEmptyString, validateCreateInput, validateRevokeInput, validateTitleUpdate } from "./input"
import { toApiKeyDTO } from "./serialize"
import { SecretKeyLimit } from "./secret-key-limit"
import { TokenAuthenticator } from "../authentication/authenticator"
import {
  generateToken,
  hashSecretToken,
  redactToken,
  tokenLookupDigest,
  type ScryptParams,
} from "../authentication/token"

interface InjectedDependencies {
  orm: MikroORM
  apiKeyRepository: ApiKeyRepository
  moduleOptions: ApiKeyModuleOptions & { scrypt: ScryptParams }
}

type OneOrMany<T> = T | T[]


/**
 * Medusa's API Key Module service. Each behaviour has one implementation here; the two naming
 * eras (`create` / `createApiKeys`, …) are aliases installed at the bottom of this file.
 */
export class ApiKeyModuleService {
  protected readonly orm_: MikroORM
  protected readonly repository_: ApiKeyRepository
  protected readonly options_: InjectedDependencies["moduleOptions"]
  protected readonly secretKeyLimit_: SecretKeyLimit
  protected readonly authenticator_: TokenAuthenticator

  constructor({ orm, apiKeyRepository, moduleOptions }: InjectedDependencies) {
    this.orm_ = orm
    this.repository_ = apiKeyRepository
    this.options_ = moduleOptions
    this.secretKeyLimit_ = new SecretKeyLimit(apiKeyRepository, moduleOptions.secretKeyLimit)
    this.authenticator_ = new TokenAuthenticator(orm, apiKeyRepository, moduleOptions.scrypt, moduleOptions)
  }

  // ---- create ------------------------------------------------------------------------------

  async createApiKeys(data: CreateApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  async createApiKeys(data: CreateApiKeyDTO[], sharedContext?: Context): Promise<ApiKeyDTO[]>
  async createApiKeys(data: OneOrMany<CreateApiKeyDTO>, sharedContext?: Context): Promise<OneOrMany<ApiKeyDTO>> {
    const many = Array.isArray(data)
    const inputs = (many ? data : [data]).map((item, i) => validateCreateInput(item, i, many))
    const created = await this.create_(inputs, sharedContext)
    return many ? created : created[0]
  }

  protected async create_(inputs: CreateApiKeyDTO[], sharedContext?: Context): Promise<ApiKeyDTO[]> {
    if (!inputs.length) return []
    // Reject over-limit calls before paying for scrypt.
    this.secretKeyLimit_.assertBatchWithinLimit(inputs)

    const rawTokens = new Map<string, string>()
    const rows: NewApiKeyRow[] = []
    // Hashing happens outside the transaction: no row lock or advisory lock is held for ~40 ms.
    for (const input of inputs) {
      const type = input.type as ApiKeyType
      const token = generateToken(type)
      const id = generateEntityId("apk")
      rawTokens.set(id, token)
      const hashed = type === ApiKeyType.SECRET ? await hashSecretToken(token, this.options_.scrypt) : null
      rows.push({
        id,
        token: hashed ? hashed.hash : token,
        salt: hashed ? hashed.salt : "",
        redacted: redactToken(token),
        title: input.title,
        type,
        token_lookup: hashed ? tokenLookupDigest(token) : null,
        created_by: input.created_by,
      })
    }

    const stored = await withTransaction(this.orm_, sharedContext, async (em) => {
      await this.secretKeyLimit_.assertRoomFor(em, inputs, new Date())
      await this.repository_.insert(em, rows)
      await this.authenticator_.onKeysCreated(em, rows.flatMap((r) => (r.token_lookup ? [r.token_lookup] : [])))
      return this.repository_.findByIds(em, rows.map((r) => r.id))
    }).catch(translateDatabaseError)

    const byId = new Map(stored.map((row) => [row.id, row]))
    return rows.map((r) => toApiKeyDTO(byId.get(r.id)!, { rawToken: rawTokens.get(r.id) }))
  }

  // ---- reads -------------------------------------------------------------------------------

  async retrieveApiKey(id: string, config?: ApiKeyFindConfig, sharedContext?: Context): Promise<ApiKeyDTO> {
    requireNonEmptyString(id, '"id"')
    const [key] = await this.list_({ id }, { ...config, skip: undefined, take: 1 }, sharedContext)
    if (!key) throw notFound([id])
    return key
  }

  async listApiKeys(filters?: FilterableApiKeyProps, config?: ApiKeyFindConfig, sharedContext?: Context): Promise<ApiKeyDTO[]> {
    return this.list_(filters, config, sharedContext)
  }

  async listAndCountApiKeys(
    filters?: FilterableApiKeyProps,
    config?: ApiKeyFindConfig,
    sharedContext?: Context
  ): Promise<[ApiKeyDTO[], number]> {
    const em = readManager(this.orm_, sharedContext)
    const [rows, count] = await this.repository_.findAndCount(em, filters, config).catch(translateDatabaseError)
    return [rows.map((row) => toApiKeyDTO(row, { select: config?.select })), count]
  }

  protected async list_(filters?: FilterableApiKeyProps, config?: ApiKeyFindConfig, sharedContext?: Context): Promise<ApiKeyDTO[]> {
    const em = readManager(this.orm_, sharedContext)
    const rows = await this.repository_.find(em, filters, config).catch(translateDatabaseError)
    return rows.map((row) => toApiKeyDTO(row, { select: config?.select }))
  }

  // ---- update ------------------------------------------------------------------------------

  async updateApiKeys(id: string, data: UpdateApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  async updateApiKeys(selector: FilterableApiKeyProps, data: UpdateApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO[]>
  async updateApiKeys(data: UpdateApiKeyDTO & { id: string }, sharedContext?: Context): Promise<ApiKeyDTO>
  async updateApiKeys(data: (UpdateApiKeyDTO & { id: string })[], sharedContext?: Context): Promise<ApiKeyDTO[]>
  async updateApiKeys(
    idOrSelectorOrData: string | FilterableApiKeyProps | OneOrMany<UpdateApiKeyDTO & { id: string }>,
    dataOrContext?: UpdateApiKeyDTO | Context,
    sharedContext?: Context
  ): Promise<OneOrMany<ApiKeyDTO>> {
    // (id, data) and (selector, data) carry one update for many keys; ({ id, title }) and
    // ([{ id, title }]) carry one update per key. Which form it is decides the return shape.
    if (typeof idOrSelectorOrData === "string") {
      const title = validateTitleUpdate(dataOrContext)
      const [updated] = await this.update_([{ id: idOrSelectorOrData, title }], sharedContext)
      return updated
    }
    if (Array.isArray(idOrSelectorOrData)) {
      const updates = idOrSelectorOrData.map((item, i) => this.parseKeyedUpdate(item, ` (update at index ${i})`))
      return this.update_(updates, dataOrContext as Context | undefined)
    }
    if (!isPlainObject(idOrSelectorOrData)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "update expects an id, a selector, or { id, title }")
    }
    if (dataOrContext !== undefined && !isContext(dataOrContext)) {
      const title = validateTitleUpdate(dataOrContext)
      return this.updateBySelector_(idOrSelectorOrData as FilterableApiKeyProps, title, sharedContext)
    }
    const [updated] = await this.update_([this.parseKeyedUpdate(idOrSelectorOrData, "")], dataOrContext as Context | undefined)
    return updated
  }

  private parseKeyedUpdate(item: unknown, where: string): { id: string; title?: string } {
    const id = requireNonEmptyString((item as { id?: unknown })?.id, "id", where)
    return { id, title: validateTitleUpdate(item, where) }
  }

  protected async update_(updates: { id: string; title?: string }[], sharedContext?: Context): Promise<ApiKeyDTO[]> {
    if (!updates.length) return []
    const ids = updates.map((u) => u.id)
    const rows = await withTransaction(this.orm_, sharedContext, async (em) => {
      const existing = await this.repository_.findByIds(em, ids, { forUpdate: true })
      const found = new Set(existing.map((k) => k.id))
      const missing = [...new Set(ids.filter((id) => !found.has(id)))]
      if (missing.length) throw notFound(missing)
      const now = new Date()
      for (const { id, title } of updates) {
        if (title !== undefined) await this.repository_.updateTitle(em, id, title, now)
      }
      // A cached key carries its title: drop it so authenticate shows the new one.
      await this.authenticator_.onKeysChanged(em, [...found])
      return this.repository_.findByIds(em, ids)
    }).catch(translateDatabaseError)
    const byId = new Map(rows.map((row) => [row.id, row]))
    return ids.map((id) => toApiKeyDTO(byId.get(id)!))
  }

  protected async updateBySelector_(selector: FilterableApiKeyProps, title: string | undefined, sharedContext?: Context): Promise<ApiKeyDTO[]> {
    return withTransaction(this.orm_, sharedContext, async (em) => {
      const keys = await this.repository_.find(em, selector, { select: ["id"] })
      return this.update_(keys.map((k) => ({ id: k.id, title })), { transactionManager: em })
    })
  }

  // ---- upsert ------------------------------------------------------------------------------

  async upsertApiKeys(data: UpsertApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  async upsertApiKeys(data: UpsertApiKeyDTO[], sharedContext?: Context): Promise<ApiKeyDTO[]>
  async upsertApiKeys(data: OneOrMany<UpsertApiKeyDTO>, sharedContext?: Context): Promise<OneOrMany<ApiKeyDTO>> {
    const many = Array.isArray(data)
    const items = many ? data : [data]
    // Validate everything before writing anything, so a bad item leaves no partial upsert.
    const plan = items.map((item, i) => {
      const where = many ? ` (item at index ${i})` : ""
      if (isPlainObject(item) && item.id !== undefined) {
        return { update: { id: requireNonEmptyString(item.id, "id", where), title: validateTitleUpdate(item, where) } }
      }
      return { create: validateCreateInput(item, i, many) }
    })
    const results = await withTransaction(this.orm_, sharedContext, async (em) => {
      const context = { transactionManager: em }
      const updated = await this.update_(plan.flatMap((p) => (p.update ? [p.update] : [])), context)
      const created = await this.create_(plan.flatMap((p) => (p.create ? [p.create] : [])), context)
      return plan.map((p) => (p.update ? updated.shift()! : created.shift()!))
    })
    return many ? results : results[0]
  }

  // ---- revoke ------------------------------------------------------------------------------

  async revoke(id: string, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO>
  async revoke(selector: string[] | FilterableApiKeyProps, data?: RevokeApiKeyDTO, sharedContext?: Context): Promise<ApiKeyDTO[]>
  async revoke(
    idOrSelector: string | string[] | FilterableApiKeyProps,
    data?: RevokeApiKeyDTO,
    sharedContext?: Context
  ): Promise<OneOrMany<ApiKeyDTO>> {
    const { revokedBy, revokeInSeconds } = validateRevokeInput(data)
    if (typeof idOrSelector === "string") {
      requireNonEmptyString(idOrSelector, "id")
      const [revoked] = await this.revoke_({ ids: [idOrSelector] }, revokedBy, revokeInSeconds, sharedContext)
      return revoked
    }
    if (Array.isArray(idOrSelector)) {
      return this.revoke_({ ids: normalizeIds(idOrSelector, "revoke") }, revokedBy, revokeInSeconds, sharedContext)
    }
    if (!isPlainObject(idOrSelector)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "revoke expects an api key id, an array of ids, or a selector")
    }
    return this.revoke_({ selector: idOrSelector }, revokedBy, revokeInSeconds, sharedContext)
  }

  protected async revoke_(
    target: { ids: string[] } | { selector: FilterableApiKeyProps },
    revokedBy: string | null,
    revokeInSeconds: number,
    sharedContext?: Context
  ): Promise<ApiKeyDTO[]> {
    const rows = await withTransaction(this.orm_, sharedContext, async (em) => {
      const keys = await this.findForRevoke(em, target)
      const now = new Date()
      // A secret key whose revocation has taken effect cannot be revoked again; one revoked only
      // in the future can (e.g. to bring the cut-off forward after a roll).
      const alreadyRevoked = keys.filter(
        (k) => k.type === ApiKeyType.SECRET && k.revoked_at !== null && k.revoked_at.getTime() <= now.getTime()
      )
      if (alreadyRevoked.length) {
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          `There are ${alreadyRevoked.length} secret keys that are already revoked.`
        )
      }
      const ids = keys.map((k) => k.id)
      const revokedAt = new Date(now.getTime() + revokeInSeconds * 1000)
      await this.repository_.revoke(em, ids, revokedAt, revokedBy, now)
      await this.authenticator_.onKeysChanged(em, ids)
      return this.repository_.findByIds(em, ids)
    }).catch(translateDatabaseError)
    return rows.map((row) => toApiKeyDTO(row))
  }

  private async findForRevoke(em: EntityManager, target: { ids: string[] } | { selector: FilterableApiKeyProps }): Promise<ApiKey[]> {
    // Rows are locked so two concurrent revokes serialise: the second one sees the first's
    // revoked_at and cannot silently push an immediate revocation into the future.
    if ("selector" in target) {
      const matched = await this.repository_.find(em, target.selector, { select: ["id"] })
      return this.repository_.findByIds(em, matched.map((k) => k.id), { forUpdate: true })
    }
    const keys = await this.repository_.findByIds(em, target.ids, { forUpdate: true })
    const found = new Set(keys.map((k) => k.id))
    const missing = target.ids.filter((id) => !found.has(id))
    if (missing.length) throw notFound(missing)
    return keys
  }

  // ---- delete, soft delete, restore --------------------------------------------------------

  async deleteApiKeys(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "delete")
    await withTransaction(this.orm_, sharedContext, async (em) => {
      const unrevoked = await this.repository_.findUnrevokedIds(em, list, new Date())
      if (unrevoked.length) {
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot delete api keys that are not revoked - ${unrevoked.join(", ")}`)
      }
      await this.repository_.deleteByIds(em, list)
      await this.authenticator_.onKeysChanged(em, list)
    }).catch(translateDatabaseError)
  }

  async softDeleteApiKeys(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "softDelete")
    await withTransaction(this.orm_, sharedContext, async (em) => {
      const deleted = await this.repository_.softDeleteByIds(em, list, new Date())
      await this.authenticator_.onKeysChanged(em, deleted)
    }).catch(translateDatabaseError)
  }

  async restoreApiKeys(ids: string | string[], sharedContext?: Context): Promise<void> {
    const list = normalizeIds(ids, "restore")
    await withTransaction(this.orm_, sharedContext, async (em) => {
      const now = new Date()
      // Restoring an active secret key counts against the optional limit like creating one.
      const deleted = (await this.repository_.findByIds(em, list, { withDeleted: true, forUpdate: true })).filter((k) => k.deleted_at)
      const reactivated = deleted.filter((k) => k.type === ApiKeyType.SECRET && (!k.revoked_at || k.revoked_at > now))
      await this.secretKeyLimit_.assertRoomFor(em, reactivated, now)
      const restored = await this.repository_.restoreByIds(em, list, now)
      await this.authenticator_.onKeysChanged(em, restored)
    }).catch(translateDatabaseError)
  }

  // ---- authenticate ------------------------------------------------------------------------

  /**
   * The key for a valid, unrevoked secret token, else `false`. Never throws for bad input and
   * never accepts publishable keys. See services/authenticate for the constant-work path.
   */
  async authenticate(token: unknown, sharedContext?: Context): Promise<ApiKeyDTO | false> {
    // Database failures are translated like everywhere else: a raw driver error would carry the
    // query with its values (the lookup digest) into logs.
    const key = await this.authenticator_.authenticate(token, sharedContext).catch(translateDatabaseError)
    return key ? toApiKeyDTO(key) : false
  }

  /** Counters of the verification cache, the change feed and the scrypt queue (for metrics). */
  authenticationStats() {
    return this.authenticator_.stats()
  }

  /** Releases the module's connections; called by the host on shutdown. */
  async onApplicationShutdown(): Promise<void> {
    await this.authenticator_.close()
    await this.orm_.close(true)
  }
}


const translateDatabaseError = databaseErrorTranslator("An api key with the same id or token already exists")

/** Both naming eras are doors onto the same implementation. */
const ALIASES = {
  create: "createApiKeys",
  list: "listApiKeys",
  listAndCount: "listAndCountApiKeys",
  retrieve: "retrieveApiKey",
  update: "updateApiKeys",
  upsert: "upsertApiKeys",
  delete: "deleteApiKeys",
  softDelete: "softDeleteApiKeys",
  restore: "restoreApiKeys",
} as const

installMethodAliases(ApiKeyModuleService, ALIASES)

export interface ApiKeyModuleService {
  create: ApiKeyModuleService["createApiKeys"]
  list: ApiKeyModuleService["listApiKeys"]
  listAndCount: ApiKeyModuleService["listAndCountApiKeys"]
  retrieve: ApiKeyModuleService["retrieveApiKey"]
  update: ApiKeyModuleService["updateApiKeys"]
  upsert: ApiKeyModuleService["upsertApiKeys"]
  delete: ApiKeyModuleService["deleteApiKeys"]
  softDelete: ApiKeyModuleService["softDeleteApiKeys"]
  restore: ApiKeyModuleService["restoreApiKeys"]
}
