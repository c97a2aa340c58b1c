import type { ReactNode } from "react"
import type { AdminApiKey, AdminCreateApiKey, AdminUpdateApiKey } from "../sdk"
import type { KeyType } from "./kinds"

/** What a field's control is given: its value, and ids for its label and hint. */
export interface ControlProps<V> {
  /** The control's id (a group's controls use it as a prefix). */
  id: string
  value: V
  onChange(value: V): void
  describedBy?: string
}

/**
 * One thing the create form asks (and, for a setting, the edit dialog too). `V` is the form's
 * own value (what the inputs hold); `toBody` turns it into the request's part, throwing an Error
 * that says what to fix when the inputs do not make sense together (shown like a server error).
 */
export interface KeyField<V> {
  name: string
  label: string
  hint?: string
  /** Which kinds of key ask for it (all when omitted). */
  types?: KeyType[]
  /** Several controls in a fieldset with `label` as its legend, instead of one control labelled by it. */
  group?: boolean
  initial: V
  control(props: ControlProps<V>): ReactNode
  /** This field's part of the create request's body. A null value means "not set": left out of a create. */
  toBody(value: V): Partial<AdminCreateApiKey>
}

/** The settings that can change after creation (POST /admin/api-keys/:id); null clears one. */
export type SettingsBody = Partial<Pick<AdminUpdateApiKey, "scopes" | "allowed_origins" | "rate_limit">>

export interface SettingField<V> extends KeyField<V> {
  /** The form's value for the key as it is now (what the edit dialog starts from). */
  fromKey(key: AdminApiKey): V
  toBody(value: V): SettingsBody
}

export interface DetailRow {
  label: string
  types?: KeyType[]
  value(key: AdminApiKey): ReactNode
}

export function forType<T extends { types?: KeyType[] }>(entries: T[], type: KeyType): T[] {
  return entries.filter((entry) => !entry.types || entry.types.includes(type))
}
