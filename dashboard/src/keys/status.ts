import type { AdminApiKey, AdminGetApiKeysParams } from "../sdk"

/**
 * Active: works (never revoked, no expiry reached). Expiring: revoked from a future time (still
 * works until then). Revoked: revoked, no longer works. Expired: its expires_at has passed (the
 * server treats it as revoked for every rule). A key both revoked and expired reads "Revoked":
 * a revocation is someone's act, an expiry only a date.
 */
export type KeyStatus = "active" | "expiring" | "revoked" | "expired"

const past = (iso: string | null | undefined, now: number) => !!iso && new Date(iso).getTime() <= now

export function keyStatus(key: Pick<AdminApiKey, "revoked_at" | "expires_at">, now = Date.now()): KeyStatus {
  if (past(key.revoked_at, now)) return "revoked"
  if (past(key.expires_at, now)) return "expired"
  return key.revoked_at ? "expiring" : "active"
}

/** Whether the key can no longer be used: only delete is left to do. */
export function hasEnded(status: KeyStatus): boolean {
  return status === "revoked" || status === "expired"
}

export const STATUS_LABEL: Record<KeyStatus, string> = { active: "Active", expiring: "Revoking", revoked: "Revoked", expired: "Expired" }

/** The list's status filter: each key matches the filter named by its status ("active" includes "Revoking"). */
export type StatusFilter = "all" | "active" | "revoked" | "expired"

export function isStatusFilter(value: string | null): value is StatusFilter {
  return value === "all" || value === "active" || value === "revoked" || value === "expired"
}

const notYet = (field: "revoked_at" | "expires_at", now: Date) => ({ $or: [{ [field]: { $eq: null } }, { [field]: { $gt: now } }] })

export function statusFilterParams(filter: StatusFilter, now: Date): Partial<AdminGetApiKeysParams> {
  if (filter === "active") return { $and: [notYet("revoked_at", now), notYet("expires_at", now)] }
  if (filter === "revoked") return { revoked_at: { $lte: now } }
  if (filter === "expired") return { $and: [{ expires_at: { $lte: now } }, notYet("revoked_at", now)] }
  return {}
}
