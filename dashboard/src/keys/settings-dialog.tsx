import { useId, useState } from "react"
import { useAction } from "../async"
import { ConfirmDialog } from "../components/dialog"
import { ErrorAlert } from "../components/error-alert"
import type { AdminApiKey, AdminUpdateApiKey } from "../sdk"
import { useSession } from "../session"
import { FieldBlock } from "./field-block"
import { SETTING_FIELDS, forType } from "./fields"

/**
 * "Edit settings": the key's scopes, allowed origins and rate limit (SETTING_FIELDS) in a dialog.
 * Emptying a setting clears it (null). Only what changed is sent, so a caller whose scopes forbid
 * touching one setting can still change another; the server's refusal (e.g. a 403) shows in the
 * dialog.
 */
export function SettingsDialog({ apiKey, onSaved }: { apiKey: AdminApiKey; onSaved(key: AdminApiKey): void }) {
  const { sdk } = useSession()
  const idPrefix = useId()
  const fields = forType(SETTING_FIELDS, apiKey.type)
  const [open, setOpen] = useState(false)
  const [values, setValues] = useState<Record<string, unknown>>({})

  const save = useAction(async (): Promise<AdminApiKey | undefined> => {
    const body: AdminUpdateApiKey = {}
    const current = apiKey as Record<string, unknown>
    for (const field of fields) {
      for (const [name, value] of Object.entries(field.toBody(values[field.name]))) {
        if (JSON.stringify(value ?? null) !== JSON.stringify(current[name] ?? null)) Object.assign(body, { [name]: value ?? null })
      }
    }
    if (Object.keys(body).length === 0) return undefined
    return (await sdk.admin.apiKey.update(apiKey.id, body)).api_key
  })

  const openDialog = () => {
    setValues(Object.fromEntries(fields.map((field) => [field.name, field.fromKey(apiKey)])))
    save.reset()
    setOpen(true)
  }
  const confirm = async () => {
    const done = await save.run()
    if (!done) return
    setOpen(false)
    if (done.value) onSaved(done.value)
  }

  return (
    <>
      <div className="actions">
        <button type="button" className="button secondary" onClick={openDialog}>
          Edit settings
        </button>
      </div>
      <ConfirmDialog open={open} title={`Settings of “${apiKey.title}”`} confirmLabel="Save settings" pending={save.pending} onConfirm={confirm} onClose={() => setOpen(false)}>
        <div className="stack">
          {open &&
            fields.map((field) => (
              <FieldBlock
                key={field.name}
                field={field}
                idPrefix={idPrefix}
                value={values[field.name]}
                onChange={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
              />
            ))}
        </div>
        <ErrorAlert error={save.error} />
      </ConfirmDialog>
    </>
  )
}
