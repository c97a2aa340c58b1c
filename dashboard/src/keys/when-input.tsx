import { useId } from "react"

/** "Now" or "in N minutes": when a revoke (or a roll's old key) takes effect. */
export interface When {
  later: boolean
  minutes: string
}

export const NOW: When = { later: false, minutes: "60" }

/** Seconds until it takes effect (0: now); NaN when the minutes are not a positive number. */
export function revokeInSeconds(when: When): number {
  if (!when.later) return 0
  const minutes = Number(when.minutes)
  return Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60) : Number.NaN
}

export function WhenInput({ legend, value, onChange }: { legend: string; value: When; onChange(value: When): void }) {
  const id = useId()
  return (
    <fieldset className="when">
      <legend>{legend}</legend>
      <label className="choice">
        <input type="radio" name={`${id}-when`} checked={!value.later} onChange={() => onChange({ ...value, later: false })} />
        Now
      </label>
      <label className="choice">
        <input type="radio" name={`${id}-when`} checked={value.later} onChange={() => onChange({ ...value, later: true })} />
        Later
      </label>
      {value.later && (
        <div className="field">
          <label htmlFor={`${id}-minutes`}>Minutes from now</label>
          <input
            id={`${id}-minutes`}
            type="number"
            min={1}
            step={1}
            required
            inputMode="numeric"
            value={value.minutes}
            onChange={(e) => onChange({ ...value, minutes: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  )
}
