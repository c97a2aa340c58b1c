import { useEffect, useState, type FormEvent } from "react"
import { useAction } from "../async"
import { ErrorAlert } from "../components/error-alert"
import type { AdminApiKey } from "../sdk"
import { useSession } from "../session"

/** Renames a key (the one field Medusa lets change). */
export function TitleForm({ apiKey, onSaved }: { apiKey: AdminApiKey; onSaved(key: AdminApiKey): void }) {
  const { sdk } = useSession()
  const [title, setTitle] = useState(apiKey.title)
  const [saved, setSaved] = useState(false)
  useEffect(() => setTitle(apiKey.title), [apiKey.title])
  const save = useAction(async () => (await sdk.admin.apiKey.update(apiKey.id, { title: title.trim() })).api_key)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    const done = await save.run()
    if (done) {
      setSaved(true)
      onSaved(done.value)
    }
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <div className="field">
        <label htmlFor="key-title">Title</label>
        <input id="key-title" required maxLength={255} value={title} onChange={(e) => (setTitle(e.target.value), setSaved(false))} />
      </div>
      <button type="submit" className="button" disabled={save.pending || title.trim() === apiKey.title}>
        {save.pending ? "Saving…" : "Save title"}
      </button>
      <span role="status">{saved ? "Saved" : ""}</span>
      <ErrorAlert error={save.error} />
    </form>
  )
}
