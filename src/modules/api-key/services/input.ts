import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import { assertPlainText, requireNonEmptyString } from "../../../framework/modules-sdk/service"
import { ApiKeyType } from "../models/api-key"
import type { CreateApiKeyDTO, LeakedTokenReport, RevokeApiKeyDTO, UpdateApiKeyDTO } from "../types/api-key"
import { validateExpiryInput, type ExpiryInput } from "./key-lifetime"
import { assertSettingsFitType, validateSettings } from "./key-settings"

/** Input checks of the api key module's own methods: each error names the field and what it needs. */

/** A checked create input: the asked-for expiry is a Date or a number of seconds (see KeyLifetimePolicy). */
export type ParsedCreateInput = Omit<CreateApiKeyDTO, keyof ExpiryInput> & ExpiryInput

export function validateCreateInput(data: unknown, where: string, knownScopes: ReadonlySet<string>): ParsedCreateInput {
  if (!isPlainObject(data)) {
    throw invalid(`Each api key to create must be an object with title, type and created_by${where}`)
  }
  const type = data.type
  if (type !== ApiKeyType.PUBLISHABLE && type !== ApiKeyType.SECRET) {
    throw invalid(`type must be "publishable" or "secret"${where}; got ${type === undefined ? "nothing" : JSON.stringify(type)}`)
  }
  const settings = validateSettings(data, knownScopes, where)
  assertSettingsFitType(type, settings, "", where)
  return {
    title: requireNonEmptyString(data.title, "title", where),
    type,
    created_by: requireNonEmptyString(data.created_by, "created_by", where),
    ...settings,
    ...validateExpiryInput(data, where),
  }
}

/**
 * The title and this project's settings (scopes, allowed origins, rate limit, metadata) can
 * change; other fields are ignored, as Medusa's own tests expect of its title-only update.
 */
export function validateKeyUpdate(data: unknown, where: string, knownScopes: ReadonlySet<string>): UpdateApiKeyDTO {
  if (!isPlainObject(data)) {
    throw invalid(`The update must be an object such as { title: "New title" }${where}`)
  }
  const changes: UpdateApiKeyDTO = validateSettings(data, knownScopes, where)
  if (data.title !== undefined) changes.title = requireNonEmptyString(data.title, "title", where)
  return changes
}

/** Revocations further out than this are refused: PostgreSQL's timestamps end in year 294276, JavaScript's dates in 275760. */
const MAX_REVOKE_IN_SECONDS = 100 * 365 * 24 * 3600

export interface RevokeOptions {
  revokedBy: string | null
  revokeInSeconds: number
  unscheduledOnly: boolean
  /** The key that replaces the revoked one (a roll), recorded in the history. */
  successorId: string | null
  /**
   * Leave out keys that are gone or no longer active once locked, instead of refusing the call
   * (a leak report must not fail because a key was revoked or deleted meanwhile). Internal.
   */
  onlyActive?: boolean
  /** Why, recorded in the history entry (`data.reason`), with facts per key (`details`). Internal. */
  reason?: string
  details?: ReadonlyMap<string, Record<string, unknown>>
}

export function validateRevokeInput(data: unknown): RevokeOptions {
  if (data === undefined || data === null) return { revokedBy: null, revokeInSeconds: 0, unscheduledOnly: false, successorId: null }
  if (!isPlainObject(data)) throw invalid("The revoke options must be an object such as { revoked_by, revoke_in }")
  const { revoked_by, revoke_in, unscheduled_only, successor_id } = data as RevokeApiKeyDTO
  if (unscheduled_only !== undefined && typeof unscheduled_only !== "boolean") {
    throw invalid(`unscheduled_only must be true or false; got ${JSON.stringify(unscheduled_only)}`)
  }
  if (revoked_by !== undefined && revoked_by !== null && typeof revoked_by !== "string") {
    throw invalid(`revoked_by must be a string; got ${JSON.stringify(revoked_by)}`)
  }
  if (revoke_in !== undefined && (typeof revoke_in !== "number" || !Number.isFinite(revoke_in) || revoke_in < 0 || revoke_in > MAX_REVOKE_IN_SECONDS)) {
    throw invalid(`revoke_in must be a number of seconds from 0 to ${MAX_REVOKE_IN_SECONDS} (100 years); got ${JSON.stringify(revoke_in)}`)
  }
  if (successor_id !== undefined && successor_id !== null) requireNonEmptyString(successor_id, "successor_id")
  if (typeof revoked_by === "string") assertPlainText(revoked_by, "revoked_by")
  return {
    revokedBy: revoked_by ?? null,
    revokeInSeconds: revoke_in ?? 0,
    unscheduledOnly: unscheduled_only ?? false,
    successorId: successor_id ?? null,
  }
}

/** Most tokens one leak report may carry (GitHub batches its matches; a bigger report is split). */
export const MAX_LEAK_REPORT_TOKENS = 10_000
/** Longest `url`, `source` or `type` kept from a report; longer ones are dropped, not refused. */
const MAX_LEAK_DETAIL_LENGTH = 2048

/**
 * A leak report: tokens (strings), or GitHub's `{ token, type, url, source }` objects. An item
 * without a token is refused, naming its index — never its value, which may be a secret. The
 * optional details are kept only when they are short plain text: they describe the report and
 * must never make a signed report fail.
 */
export function validateLeakReports(data: unknown): LeakedTokenReport[] {
  const usage = "A leak report is a list of tokens, or of { token, type?, url?, source? } as GitHub's secret scanning sends it"
  if (!Array.isArray(data)) throw invalid(usage)
  if (data.length > MAX_LEAK_REPORT_TOKENS) throw invalid(`A leak report may carry at most ${MAX_LEAK_REPORT_TOKENS} tokens; got ${data.length}. Split it.`)
  return data.map((item, index) => {
    if (typeof item === "string") return { token: item }
    if (!isPlainObject(item) || typeof item.token !== "string") throw invalid(`${usage}; item ${index} has no token string`)
    const report: LeakedTokenReport = { token: item.token }
    for (const field of ["type", "url", "source"] as const) {
      const value = item[field]
      if (typeof value === "string" && value.length <= MAX_LEAK_DETAIL_LENGTH && !/[\u0000-\u001F\u007F]/.test(value)) report[field] = value
    }
    return report
  })
}
