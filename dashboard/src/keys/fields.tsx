import type { ReactNode } from "react"
import { CopyButton } from "../components/copy-button"
import { DateTime } from "../components/date-time"
import type { AdminApiKey, AdminCreateApiKey } from "../sdk"
import type { KeyType } from "./kinds"
import { STATUS_LABEL, keyStatus } from "./status"

/**
 * What the create form asks and what the key page shows, one entry per field. A new field of
 * api keys (an expiry, scopes …) is one entry in CREATE_FIELDS and one in DETAIL_ROWS; the form
 * and the page render whatever these lists hold.
 */

export interface ControlProps {
  id: string
  value: string
  onChange(value: string): void
  describedBy?: string
}

export interface CreateField {
  name: string
  label: string
  hint?: string
  /** Which kinds of key ask for it (all when omitted). */
  types?: KeyType[]
  initial: string
  control(props: ControlProps): ReactNode
  /** This field's part of the create request's body. */
  toBody(value: string): Partial<AdminCreateApiKey>
}

export const CREATE_FIELDS: CreateField[] = [
  {
    name: "title",
    label: "Title",
    hint: "What uses the key, e.g. “Web storefront” or “CI deploy”. You can change it later.",
    initial: "",
    control: ({ id, value, onChange, describedBy }) => (
      <input id={id} name="title" required maxLength={255} autoComplete="off" value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)} />
    ),
    toBody: (value) => ({ title: value.trim() }),
  },
]

export interface DetailRow {
  label: string
  types?: KeyType[]
  value(key: AdminApiKey): ReactNode
}

const by = (actor: string | null | undefined) => (actor ? <> by <code>{actor}</code></> : null)

export const DETAIL_ROWS: DetailRow[] = [
  { label: "ID", value: (key) => <code>{key.id}</code> },
  {
    label: "Token",
    types: ["publishable"],
    value: (key) => (
      <span className="token-row">
        <code className="token">{key.token}</code>
        <CopyButton text={key.token} label="Copy token" />
      </span>
    ),
  },
  {
    label: "Token",
    types: ["secret"],
    value: (key) => (
      <>
        <code>{key.redacted}</code>
        <span className="hint"> The full token was shown once, when the key was made.</span>
      </>
    ),
  },
  { label: "Status", value: (key) => STATUS_LABEL[keyStatus(key)] },
  {
    label: "Created",
    value: (key) => (
      <>
        <DateTime value={key.created_at} />
        {by(key.created_by)}
      </>
    ),
  },
  {
    label: "Revoked",
    value: (key) =>
      key.revoked_at ? (
        <>
          {keyStatus(key) === "expiring" ? "Stops working " : ""}
          <DateTime value={key.revoked_at} />
          {by(key.revoked_by)}
        </>
      ) : (
        "Not revoked"
      ),
  },
  { label: "Last used", value: (key) => <DateTime value={key.last_used_at} fallback="Not used yet" /> },
]

export function forType<T extends { types?: KeyType[] }>(entries: T[], type: KeyType): T[] {
  return entries.filter((entry) => !entry.types || entry.types.includes(type))
}
