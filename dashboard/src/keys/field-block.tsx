import type { KeyField } from "./field-types"

/**
 * One field of a form: a single control under its label, or a group of controls in a fieldset
 * whose legend is the label; the hint is tied to it with aria-describedby either way.
 */
export function FieldBlock<V>({ field, idPrefix, value, onChange }: { field: KeyField<V>; idPrefix: string; value: V; onChange(value: V): void }) {
  const id = `${idPrefix}-${field.name}`
  const hintId = field.hint ? `${id}-hint` : undefined
  const hint = field.hint && (
    <p id={hintId} className="hint">
      {field.hint}
    </p>
  )
  if (field.group) {
    return (
      <fieldset className="group" aria-describedby={hintId}>
        <legend>{field.label}</legend>
        {field.control({ id, value, onChange })}
        {hint}
      </fieldset>
    )
  }
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {field.control({ id, value, onChange, describedBy: hintId })}
      {hint}
    </div>
  )
}
