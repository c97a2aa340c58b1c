import type { EntityManager } from "@mikro-orm/postgresql"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { ApiKeyType } from "../models/api-key"
import type { ApiKeyRepository } from "../repositories/api-key-repository"
import type { CreateApiKeyDTO } from "../types/api-key"
import type { SecretKeyLimitOption } from "../types/options"

/**
 * Medusa's old "one active secret key" rule, generalised to `max` keys per creator or per store
 * and made safe under concurrency: the count and the insert happen under a transaction-scoped
 * advisory lock per scope. With `max: 1` the messages are Medusa's, word for word.
 */
export class SecretKeyLimit {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly option?: SecretKeyLimitOption
  ) {}

  private scopesOf(inputs: CreateApiKeyDTO[]): Map<string, number> {
    const scopes = new Map<string, number>()
    for (const input of inputs) {
      if (input.type !== ApiKeyType.SECRET) continue
      const scope = this.option!.per === "created_by" ? `created_by:${input.created_by}` : "store"
      scopes.set(scope, (scopes.get(scope) ?? 0) + 1)
    }
    return scopes
  }

  /** Cheap check on the call itself, before any hashing or database work. */
  assertBatchWithinLimit(inputs: CreateApiKeyDTO[]): void {
    if (!this.option) return
    for (const count of this.scopesOf(inputs).values()) {
      if (count > this.option.max) {
        const allowed = this.option.max === 1 ? "one secret key" : `${this.option.max} secret keys`
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          `You can only create ${allowed} at a time. You tried to create ${count} secret keys.`
        )
      }
    }
  }

  /** Must run inside the transaction that inserts the keys. */
  async assertRoomFor(em: EntityManager, inputs: CreateApiKeyDTO[], now: Date): Promise<void> {
    if (!this.option) return
    // Sorted so two transactions always take their locks in the same order (no deadlock).
    const scopes = [...this.scopesOf(inputs).entries()].sort(([a], [b]) => a.localeCompare(b))
    for (const [scope, count] of scopes) {
      await this.repository.lockSecretKeyScope(em, scope)
      const createdBy = scope.startsWith("created_by:") ? scope.slice("created_by:".length) : undefined
      const active = await this.repository.countActiveSecretKeys(em, now, createdBy)
      if (active + count > this.option.max) {
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          this.option.max === 1
            ? "You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."
            : `You can only have ${this.option.max} active secret keys at a time. Revoke or delete an existing key before creating a new one.`
        )
      }
    }
  }
}

export function validateSecretKeyLimit(option: unknown): SecretKeyLimitOption | undefined {
  if (option === undefined || option === null || option === false) return undefined
  const o = option as Partial<SecretKeyLimitOption>
  if (typeof o !== "object" || !Number.isInteger(o.max) || (o.max as number) < 1 || (o.per !== "created_by" && o.per !== "store")) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `secretKeyLimit must be { max: <whole number of 1 or more>, per: "created_by" | "store" }; got ${JSON.stringify(option)}`
    )
  }
  return { max: o.max as number, per: o.per }
}
