import { CopyButton } from "../components/copy-button"
import { DateTime } from "../components/date-time"
import type { DetailRow, KeyField, SettingField } from "./field-types"
import { expiryField, expiryRow } from "./settings/expiry"
import { originsField, originsRow } from "./settings/origins"
import { rateLimitField, rateLimitRow } from "./settings/rate-limit"
import { scopesField, scopesRow } from "./settings/scopes"
import { STATUS_LABEL, keyStatus } from "./status"

/**
 * What the create form asks, what the "Edit settings" dialog changes and what the key page
 * shows, one entry per field. A new field of api keys is one entry in CREATE_FIELDS (and in
 * SETTING_FIELDS when it can change later) and one in DETAIL_ROWS; the form, the dialog and the
 * page render whatever these lists hold. The settings' own files hold their controls and rows.
 */

export type { ControlProps, DetailRow, KeyField, SettingField } from "./field-types"
export { forType } from "./field-types"

const titleField: KeyField<string> = {
  name: "title",
  label: "Title",
  hint: "What uses the key, e.g. “Web storefront” or “CI deploy”. You can change it later.",
  initial: "",
  control: ({ id, value, onChange, describedBy }) => (
    <input id={id} name="title" required maxLength={255} autoComplete="off" value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)} />
  ),
  toBody: (value) => ({ title: value.trim() }),
}

/** The settings that can change after creation (the dialog sends only the ones that changed). */
export const SETTING_FIELDS: SettingField<unknown>[] = [scopesField, originsField, rateLimitField]

export const CREATE_FIELDS: KeyField<unknown>[] = [titleField, expiryField, ...SETTING_FIELDS]

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
  expiryRow,
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
  scopesRow,
  originsRow,
  rateLimitRow,
  {
    label: "Metadata",
    value: (key) => (key.metadata && Object.keys(key.metadata).length ? <pre className="json">{JSON.stringify(key.metadata, null, 2)}</pre> : "None"),
  },
]
