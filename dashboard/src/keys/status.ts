import type { AdminApiKey, AdminGetApiKeysParams } from "../sdk"

/** Active: never revoked. Expiring: revoked from a future time (still works until then). Revoked: no longer works. */
export type KeyStatus = "active" | "expiring" | "revoked"

export function keyStatus(key: Pick<AdminApiKey, "revoked_at">, now = Date.now()): KeyStatus {
  if (!key.revoked_at) return "active"
  return new Date(key.revoked_at).getTime() > now ? "expiring" : "revoked"
}

export const STATUS_LABEL: Record<KeyStatus, string> = { active: "Active", expiring: "Revoking", revoked: "Revoked" }

/** The list's status filter. "active" means still working: never revoked, or revoked from later on. */
export type StatusFilter = "all" | "active" | "revoked"

export function isStatusFilter(value: string | null): value is StatusFilter {
  return value === "all" || value === "active" || value === "revoked"
}

export function statusFilterParams(filter: StatusFilter, now: Date): Partial<AdminGetApiKeysParams> {
  if (filter === "active") return { $or: [{ revoked_at: { $eq: null } }, { revoked_at: { $gt: now } }] }
  if (filter === "revoked") return { revoked_at: { $lte: now } }
  return {}
}
