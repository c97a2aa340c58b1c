import type { AdminApiKeyScope } from "../../sdk"
import type { DetailRow, SettingField } from "../field-types"

/**
 * A secret key's scopes: full access (no scopes, as every key in Medusa), or only the checked
 * ones. The built-in scopes are the server's (the type makes this list complete); scopes the key
 * already has beyond them (an app's own, or "*") are offered too, so editing keeps them.
 */
const BUILT_IN: Record<AdminApiKeyScope, string> = {
  "api_key:read": "List and read API keys and their history",
  "api_key:write": "Create, update, revoke, roll and delete API keys; link sales channels",
  "sales_channel:read": "List and read sales channels",
  "sales_channel:write": "Create, update and delete sales channels",
}

export interface Scopes {
  limited: boolean
  scopes: string[]
}

const FULL_ACCESS = "*"

export const scopesField: SettingField<Scopes> = {
  name: "scopes",
  label: "Access",
  types: ["secret"],
  group: true,
  hint: "A limited key is refused (403) on any route outside its scopes, and cannot make keys with wider access than its own.",
  initial: { limited: false, scopes: [] },
  fromKey: (key) => (key.scopes && !key.scopes.includes(FULL_ACCESS) ? { limited: true, scopes: key.scopes } : { limited: false, scopes: [] }),
  control: ({ id, value, onChange }) => {
    const offered = [...Object.keys(BUILT_IN), ...value.scopes.filter((s) => !(s in BUILT_IN))]
    const toggle = (scope: string, on: boolean) =>
      onChange({ ...value, scopes: on ? [...value.scopes, scope] : value.scopes.filter((s) => s !== scope) })
    return (
      <div className="choices">
        <label className="choice">
          <input type="radio" name={`${id}-access`} checked={!value.limited} onChange={() => onChange({ ...value, limited: false })} />
          Full access
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-access`} checked={value.limited} onChange={() => onChange({ ...value, limited: true })} />
          Only the scopes checked below
        </label>
        <ul className="scope-list">
          {offered.map((scope) => (
            <li key={scope}>
              <label className="choice">
                <input type="checkbox" disabled={!value.limited} checked={value.scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
                <code>{scope}</code>
              </label>
              {scope in BUILT_IN && <span className="hint"> {BUILT_IN[scope as AdminApiKeyScope]}</span>}
            </li>
          ))}
        </ul>
      </div>
    )
  },
  toBody: ({ limited, scopes }) => {
    if (!limited) return { scopes: null }
    if (scopes.length === 0) throw new Error("Check at least one scope, or choose Full access.")
    return { scopes: [...scopes].sort() }
  },
}

export const scopesRow: DetailRow = {
  label: "Scopes",
  types: ["secret"],
  value: (key) =>
    !key.scopes || key.scopes.includes(FULL_ACCESS) ? (
      "Full access"
    ) : (
      <ul className="plain-list" aria-label="Scopes">
        {key.scopes.map((scope) => (
          <li key={scope}>
            <code>{scope}</code>
          </li>
        ))}
      </ul>
    ),
}
