import type { EntityManager } from "@mikro-orm/postgresql"
import type { Context } from "../../../framework/modules-sdk/context"
import { invalid } from "../../../framework/modules-sdk/errors"
import { monotonicIdFactory } from "../../../framework/modules-sdk/ids"
import { assertPlainText } from "../../../framework/modules-sdk/service"
import { ApiKeyHistory, ApiKeyHistoryAction } from "../models/api-key-history"
import type { ApiKeyHistoryRepository } from "../repositories/api-key-history-repository"

/**
 * What goes into the key history, and how it is written: one row per key per change, inside the
 * transaction of the change (the caller hands in its entity manager), so a change that rolls back
 * leaves no row and a row never describes a change that did not happen. Only public facts are
 * recorded: titles, types, redacted tokens, dates and ids — never a token, hash or salt.
 */

export interface HistoryEntry {
  api_key_id: string
  action: ApiKeyHistoryAction
  actor: string | null
  data?: Record<string, unknown>
}

/** The fields of a key the history may copy: public ones only (the row readers never see the hash). */
export const HISTORY_KEY_FIELDS = ["id", "title", "type", "redacted", "created_by", "revoked_at", "deleted_at"]

interface KeyFacts {
  id: string
  title?: string
  type?: string
  redacted?: string
  created_by?: string
  revoked_at?: Date | string | null
  expires_at?: Date | string | null
}

const iso = (date: Date | string) => new Date(date).toISOString()

/** The actor a caller named in its context (`{ actor: "user_1" }`), checked like any text input. */
export function contextActor(sharedContext?: Context): string | null {
  const actor = sharedContext?.actor
  if (actor === undefined || actor === null) return null
  if (typeof actor !== "string" || actor === "") throw invalid(`sharedContext.actor must be a non-empty string; got ${JSON.stringify(actor)}`)
  return assertPlainText(actor, "sharedContext.actor")
}

export function createdEntries(keys: KeyFacts[], actor: string | null): HistoryEntry[] {
  return keys.map((key) => ({
    api_key_id: key.id,
    action: ApiKeyHistoryAction.CREATED,
    // The creator unless the caller says otherwise (a roll creates the successor in the original creator's name).
    actor: actor ?? key.created_by ?? null,
    data: {
      title: key.title,
      type: key.type,
      redacted: key.redacted,
      created_by: key.created_by,
      ...(key.expires_at ? { expires_at: iso(key.expires_at) } : {}),
    },
  }))
}

export interface RevocationFacts {
  now: Date
  revokedAt: Date
  revokeInSeconds: number
  successorId: string | null
  /** Why, when it is not an admin's choice (`leaked`: a leak report revoked it). */
  reason?: string
  /** Facts of the revocation per key (a leak report's `{ leak: { type, url, source } }`). */
  details?: ReadonlyMap<string, Record<string, unknown>>
}

/** `rolled` when a successor replaces the key, else `revoked` (effective now) or `revocation_scheduled`. */
export function revocationEntries(keys: KeyFacts[], facts: RevocationFacts, actor: string | null): HistoryEntry[] {
  const scheduled = facts.revokedAt.getTime() > facts.now.getTime()
  const action = facts.successorId
    ? ApiKeyHistoryAction.ROLLED
    : scheduled
      ? ApiKeyHistoryAction.REVOCATION_SCHEDULED
      : ApiKeyHistoryAction.REVOKED
  return keys.map((key) => ({
    api_key_id: key.id,
    action,
    actor,
    data: {
      ...(facts.successorId ? { successor_id: facts.successorId } : {}),
      revoked_at: iso(facts.revokedAt),
      ...(facts.revokeInSeconds ? { revoke_in: facts.revokeInSeconds } : {}),
      // A scheduled revocation brought forward: when it would have taken effect.
      ...(key.revoked_at ? { previous_revoked_at: iso(key.revoked_at) } : {}),
      ...(facts.reason ? { reason: facts.reason } : {}),
      ...facts.details?.get(key.id),
    },
  }))
}

/** One row per key whose title really changed (an update to the same title changes nothing). */
export function titleChangeEntries(before: KeyFacts[], after: KeyFacts[], actor: string | null): HistoryEntry[] {
  const previous = new Map(before.map((key) => [key.id, key.title]))
  const entries: HistoryEntry[] = []
  const seen = new Set<string>()
  for (const key of after) {
    if (seen.has(key.id) || !previous.has(key.id)) continue
    seen.add(key.id)
    const from = previous.get(key.id)
    if (from !== key.title) entries.push({ api_key_id: key.id, action: ApiKeyHistoryAction.TITLE_CHANGED, actor, data: { title: { from, to: key.title } } })
  }
  return entries
}

const SETTINGS = ["scopes", "allowed_origins", "rate_limit", "metadata"] as const
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * One row per key whose settings really changed, naming each changed field's from and to
 * (metadata: only which keys changed, since it may be large and is the owner's own data).
 */
export function settingsChangeEntries(before: Record<string, unknown>[], after: Record<string, unknown>[], actor: string | null): HistoryEntry[] {
  const previous = new Map(before.map((key) => [key.id as string, key]))
  const entries: HistoryEntry[] = []
  const seen = new Set<string>()
  for (const key of after) {
    const id = key.id as string
    const old = previous.get(id)
    if (seen.has(id) || !old) continue
    seen.add(id)
    const data: Record<string, unknown> = {}
    for (const field of SETTINGS) {
      if (same(old[field], key[field])) continue
      if (field === "metadata") {
        const from = (old.metadata ?? {}) as Record<string, unknown>
        const to = (key.metadata ?? {}) as Record<string, unknown>
        data.metadata = { keys: [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => !same(from[k], to[k])).sort() }
      } else {
        data[field] = { from: old[field] ?? null, to: key[field] ?? null }
      }
    }
    if (Object.keys(data).length) entries.push({ api_key_id: id, action: ApiKeyHistoryAction.SETTINGS_CHANGED, actor, data })
  }
  return entries
}

export function deleteOrRestoreEntries(
  action: typeof ApiKeyHistoryAction.DELETED | typeof ApiKeyHistoryAction.SOFT_DELETED | typeof ApiKeyHistoryAction.RESTORED,
  keys: KeyFacts[],
  actor: string | null
): HistoryEntry[] {
  return keys.map((key) => ({
    api_key_id: key.id,
    action,
    actor,
    // Once the row is gone, the history is the only place that says what the key was.
    data: action === ApiKeyHistoryAction.DELETED ? { title: key.title, type: key.type, redacted: key.redacted } : {},
  }))
}

/** Writes history rows. Built once by the module's loader; shared by the service and the last-used tracker. */
export class ApiKeyHistoryRecorder {
  /** Ids that sort in writing order, so rows written in the same millisecond list in order. */
  private readonly nextId = monotonicIdFactory(ApiKeyHistory.fields.idPrefix)

  constructor(private readonly repository: ApiKeyHistoryRepository) {}

  /** Must run inside the transaction of the change (`em`); `at` is the change's own time. */
  async record(em: EntityManager, entries: HistoryEntry[], at: Date): Promise<void> {
    await this.repository.insertOnce(em, entries.map((entry) => this.row(entry, at)))
  }

  /** The first use of each key, with the key itself as the actor (it authenticated). */
  firstUses(ids: string[], at: Date): HistoryEntry[] {
    return ids.map((id) => ({ api_key_id: id, action: ApiKeyHistoryAction.FIRST_USED, actor: id, data: { last_used_at: iso(at) } }))
  }

  private row(entry: HistoryEntry, at: Date) {
    return {
      id: this.nextId(at.getTime()),
      api_key_id: entry.api_key_id,
      action: entry.action,
      actor: entry.actor,
      data: entry.data ?? {},
      created_at: at,
      updated_at: at,
    }
  }
}
