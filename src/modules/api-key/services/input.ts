import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { ApiKeyType } from "../models/api-key"
import type { CreateApiKeyDTO, RevokeApiKeyDTO } from "../types/api-key"

/** Input checks shared by the service's methods: each error names the field and what it needs. */

function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

export function requireNonEmptyString(value: unknown, field: string, where = ""): string {
  if (typeof value !== "string" || value.trim() === "") {
    const got = value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`
    throw invalid(`${field} must be a non-empty string${where}; ${got}`)
  }
  return value
}

export function validateCreateInput(data: unknown, index: number, many: boolean): CreateApiKeyDTO {
  const where = many ? ` (api key at index ${index})` : ""
  if (!isObject(data)) {
    throw invalid(`Each api key to create must be an object with title, type and created_by${where}`)
  }
  const type = data.type
  if (type !== ApiKeyType.PUBLISHABLE && type !== ApiKeyType.SECRET) {
    throw invalid(`type must be "publishable" or "secret"${where}; got ${type === undefined ? "nothing" : JSON.stringify(type)}`)
  }
  return {
    title: requireNonEmptyString(data.title, "title", where),
    type,
    created_by: requireNonEmptyString(data.created_by, "created_by", where),
  }
}

export function validateTitleUpdate(data: unknown, where = ""): string | undefined {
  if (!isObject(data)) {
    throw invalid(`The update must be an object such as { title: "New title" }${where}`)
  }
  if (data.title === undefined) return undefined
  return requireNonEmptyString(data.title, "title", where)
}

export function validateRevokeInput(data: unknown): { revokedBy: string | null; revokeInSeconds: number } {
  if (data === undefined || data === null) return { revokedBy: null, revokeInSeconds: 0 }
  if (!isObject(data)) throw invalid("The revoke options must be an object such as { revoked_by, revoke_in }")
  const { revoked_by, revoke_in } = data as RevokeApiKeyDTO
  if (revoked_by !== undefined && revoked_by !== null && typeof revoked_by !== "string") {
    throw invalid(`revoked_by must be a string; got ${JSON.stringify(revoked_by)}`)
  }
  if (revoke_in !== undefined && (typeof revoke_in !== "number" || !Number.isFinite(revoke_in) || revoke_in < 0)) {
    throw invalid(`revoke_in must be a number of seconds of 0 or more; got ${JSON.stringify(revoke_in)}`)
  }
  return { revokedBy: revoked_by ?? null, revokeInSeconds: revoke_in ?? 0 }
}

export function normalizeIds(ids: unknown, method: string): string[] {
  const list = Array.isArray(ids) ? ids : [ids]
  for (const id of list) {
    if (typeof id !== "string" || id === "") {
      throw invalid(`${method} expects an api key id or an array of ids; got ${JSON.stringify(id)}`)
    }
  }
  return [...new Set(list as string[])]
}

export function notFound(ids: string[]): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `ApiKey with id: ${ids.join(", ")} was not found`)
}
