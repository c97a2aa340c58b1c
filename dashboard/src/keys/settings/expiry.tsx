import { DateTime } from "../../components/date-time"
import type { DetailRow, KeyField } from "../field-types"

/** "Never", or N minutes / hours / days from creation: sent as `expires_in` seconds. */
export interface Expiry {
  unit: "never" | "minutes" | "hours" | "days"
  amount: string
}

const SECONDS = { minutes: 60, hours: 3600, days: 86_400 } as const
const UNIT_WORDS = { minutes: "Minutes", hours: "Hours", days: "Days" } as const

export const expiryField: KeyField<Expiry> = {
  name: "expiry",
  label: "Expiry",
  group: true,
  hint: "An expired key stops working at that moment and cannot be used again. The expiry cannot change later (revoke the key to end it sooner). The server may set a maximum lifetime.",
  initial: { unit: "never", amount: "30" },
  control: ({ id, value, onChange }) => (
    <div className="inline-fields">
      <div className="field">
        <label htmlFor={`${id}-unit`}>Expires</label>
        <select id={`${id}-unit`} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as Expiry["unit"] })}>
          <option value="never">Never</option>
          <option value="minutes">In minutes</option>
          <option value="hours">In hours</option>
          <option value="days">In days</option>
        </select>
      </div>
      {value.unit !== "never" && (
        <div className="field">
          <label htmlFor={`${id}-amount`}>{UNIT_WORDS[value.unit]} from now</label>
          <input
            id={`${id}-amount`}
            type="number"
            min={1}
            step={1}
            required
            inputMode="numeric"
            value={value.amount}
            onChange={(e) => onChange({ ...value, amount: e.target.value })}
          />
        </div>
      )}
    </div>
  ),
  toBody: ({ unit, amount }) => {
    if (unit === "never") return {}
    const n = Number(amount)
    if (!Number.isInteger(n) || n < 1) throw new Error(`Enter the ${unit} until the key expires as a whole number greater than 0, or choose Never.`)
    return { expires_in: n * SECONDS[unit] }
  },
}

export const expiryRow: DetailRow = {
  label: "Expires",
  value: (key) =>
    !key.expires_at ? (
      "Never"
    ) : (
      <>
        {new Date(key.expires_at).getTime() <= Date.now() ? "Expired " : ""}
        <DateTime value={key.expires_at} />
      </>
    ),
}
