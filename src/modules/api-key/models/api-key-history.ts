import { model, type InferDTO, type InferEntity, type InferFilters } from "../../../framework/modules-sdk/model"

/** What can happen to a key, each recorded once per key it happened to. */
export const ApiKeyHistoryAction = {
  CREATED: "created",
  TITLE_CHANGED: "title_changed",
  /** Revoked with effect now (also: a scheduled revocation brought forward to now). */
  REVOKED: "revoked",
  /** Revoked with effect later (`revoke_in`), or a scheduled revocation brought forward to another future instant. */
  REVOCATION_SCHEDULED: "revocation_scheduled",
  /** Revoked (now or later) because a successor replaced it (roll). */
  ROLLED: "rolled",
  DELETED: "deleted",
  SOFT_DELETED: "soft_deleted",
  RESTORED: "restored",
  /** The first successful authentication after creation (`last_used_at` going from null to a value). */
  FIRST_USED: "first_used",
  /** Scopes, allowed origins, rate limit or metadata changed (`data` names each field's from and to). */
  SETTINGS_CHANGED: "settings_changed",
} as const
export type ApiKeyHistoryAction = (typeof ApiKeyHistoryAction)[keyof typeof ApiKeyHistoryAction]

export const API_KEY_HISTORY_ACTIONS = Object.values(ApiKeyHistoryAction)

/**
 * The history of every key's lifecycle, written in the transaction of the change it records.
 * `api_key_id` deliberately has no foreign key: the record of a deletion must outlive the key.
 * `data` holds what changed (`{ title: { from, to } }`, `{ revoked_at }`, `{ successor_id }` …),
 * never a token, hash or salt. One `first_used` row per key at most (a unique partial index),
 * however many processes write `last_used_at`.
 */
export const ApiKeyHistory = model
  .define("api_key_history", {
    id: model.id({ prefix: "akh" }).primaryKey(),
    api_key_id: model.text(),
    action: model.enum(API_KEY_HISTORY_ACTIONS),
    actor: model.text().nullable(),
    data: model.json(),
  })
  .indexes([
    { name: "IDX_api_key_history_api_key_id_created_at", on: ["api_key_id", "created_at"] },
    { name: "IDX_api_key_history_created_at", on: ["created_at"] },
    { name: "IDX_api_key_history_first_used_unique", on: ["api_key_id"], unique: true, where: `"action" = 'first_used'` },
  ])

/** The fields a history entry shows: a history row is never updated or soft-deleted, so its other timestamps say nothing. */
export const API_KEY_HISTORY_FIELDS = ["id", "api_key_id", "action", "actor", "data", "created_at"] as const

export type ApiKeyHistoryRow = InferEntity<typeof ApiKeyHistory>
export type ApiKeyHistoryDTO = Pick<InferDTO<typeof ApiKeyHistory>, (typeof API_KEY_HISTORY_FIELDS)[number]>
export type FilterableApiKeyHistoryProps = InferFilters<typeof ApiKeyHistory>
