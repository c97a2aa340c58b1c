import type { DetailRow, SettingField } from "../field-types"

/** At most `limit` requests in any `window_s` seconds; both empty: no limit of the key's own. */
export interface RateLimit {
  limit: string
  window: string
}

export const rateLimitField: SettingField<RateLimit> = {
  name: "rate_limit",
  label: "Rate limit",
  group: true,
  hint: "Requests over the limit are refused (429) until the window allows more. A publishable key’s limit is shared by all its shoppers. Both empty: no limit.",
  initial: { limit: "", window: "" },
  fromKey: (key) => (key.rate_limit ? { limit: String(key.rate_limit.limit), window: String(key.rate_limit.window_s) } : { limit: "", window: "" }),
  control: ({ id, value, onChange }) => (
    <div className="inline-fields">
      <div className="field">
        <label htmlFor={`${id}-limit`}>Requests</label>
        <input id={`${id}-limit`} type="number" min={1} step={1} inputMode="numeric" value={value.limit} onChange={(e) => onChange({ ...value, limit: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-window`}>Window (seconds)</label>
        <input id={`${id}-window`} type="number" min={1} step={1} inputMode="numeric" value={value.window} onChange={(e) => onChange({ ...value, window: e.target.value })} />
      </div>
    </div>
  ),
  toBody: ({ limit, window }) => {
    if (limit.trim() === "" && window.trim() === "") return { rate_limit: null }
    if (limit.trim() === "" || window.trim() === "") throw new Error("Give both the number of requests and the seconds of the rate limit, or neither for no limit.")
    // The server checks the numbers (whole, within its bounds) and says what it accepts.
    return { rate_limit: { limit: Number(limit), window_s: Number(window) } }
  },
}

export const rateLimitRow: DetailRow = {
  label: "Rate limit",
  value: (key) => (key.rate_limit ? `${key.rate_limit.limit} requests per ${key.rate_limit.window_s} seconds` : "No limit"),
}
