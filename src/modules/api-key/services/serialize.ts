import { API_KEY_PUBLIC_FIELDS, ApiKeyType, type ApiKey } from "../models/api-key"
import type { ApiKeyDTO } from "../types/api-key"

/**
 * The one place that decides what a reader sees of a key: never `salt` or the lookup digest, and
 * for secret keys never the stored hash — `token` is "" unless `rawToken` (only known at
 * creation) is given.
 */
export function toApiKeyDTO(row: ApiKey, options: { select?: string[]; rawToken?: string } = {}): ApiKeyDTO {
  const fields = options.select ?? API_KEY_PUBLIC_FIELDS
  const dto: Record<string, unknown> = {}
  for (const field of fields) {
    if (field === "token") {
      dto.token = row.type === ApiKeyType.SECRET ? (options.rawToken ?? "") : row.token
    } else {
      dto[field] = (row as unknown as Record<string, unknown>)[field] ?? null
    }
  }
  return dto as unknown as ApiKeyDTO
}
