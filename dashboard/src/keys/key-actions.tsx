import { useState } from "react"
import { useAction } from "../async"
import { ConfirmDialog } from "../components/dialog"
import { ErrorAlert } from "../components/error-alert"
import type { AdminApiKey } from "../sdk"
import { useSession } from "../session"
import { hasEnded, keyStatus } from "./status"
import { NOW, WhenInput, revokeInSeconds, type When } from "./when-input"

interface KeyActionsProps {
  apiKey: AdminApiKey
  /** The key changed (revoked): show the server's copy. */
  onChanged(key: AdminApiKey): void
  /** Rolled: the successor, with its token. */
  onRolled(successor: AdminApiKey): void
  onDeleted(): void
}

type Open = "revoke" | "roll" | "delete" | undefined

function minutesError(when: When): Error | undefined {
  return Number.isNaN(revokeInSeconds(when)) ? new Error("Enter the minutes as a number greater than 0.") : undefined
}

/**
 * Revoke (now or later), roll and delete, each behind a confirmation. What a key's state rules
 * out is not offered: a revoked or expired key cannot be revoked or rolled, and only such a key can
 * be deleted. The server has the last word: its refusal shows in the dialog.
 */
export function KeyActions({ apiKey, onChanged, onRolled, onDeleted }: KeyActionsProps) {
  const { sdk } = useSession()
  const [open, setOpen] = useState<Open>(undefined)
  const [when, setWhen] = useState<When>(NOW)
  const status = keyStatus(apiKey)

  const revoke = useAction(async () => (await sdk.admin.apiKey.revoke(apiKey.id, { revoke_in: revokeInSeconds(when) })).api_key)
  const roll = useAction(async () => (await sdk.admin.apiKey.roll(apiKey.id, { revoke_in: revokeInSeconds(when) })).api_key)
  const remove = useAction(() => sdk.admin.apiKey.delete(apiKey.id))
  const [inputError, setInputError] = useState<Error | undefined>(undefined)

  const openDialog = (which: Open) => {
    setWhen(NOW)
    setInputError(undefined)
    revoke.reset()
    roll.reset()
    remove.reset()
    setOpen(which)
  }
  const confirmTimed = async (action: typeof revoke, done: (key: AdminApiKey) => void) => {
    const invalid = minutesError(when)
    setInputError(invalid)
    if (invalid) return
    const result = await action.run()
    if (result) {
      setOpen(undefined)
      done(result.value)
    }
  }
  const confirmDelete = async () => {
    if (await remove.run()) {
      setOpen(undefined)
      onDeleted()
    }
  }

  return (
    <section aria-labelledby="actions-heading" className="panel">
      <h2 id="actions-heading">Manage</h2>
      <div className="actions">
        {status === "active" && (
          <button type="button" className="button danger" onClick={() => openDialog("revoke")}>
            Revoke key
          </button>
        )}
        {!hasEnded(status) && (
          <button type="button" className="button secondary" onClick={() => openDialog("roll")}>
            Roll key
          </button>
        )}
        {hasEnded(status) && (
          <button type="button" className="button danger" onClick={() => openDialog("delete")}>
            Delete key
          </button>
        )}
      </div>
      {!hasEnded(status) && <p className="hint">Only a revoked key can be deleted.</p>}
      {status === "expired" && <p className="hint">An expired key cannot be revoked or rolled: create a new key instead.</p>}

      <ConfirmDialog
        open={open === "revoke"}
        title={`Revoke “${apiKey.title}”?`}
        confirmLabel="Revoke key"
        danger
        pending={revoke.pending}
        onConfirm={() => confirmTimed(revoke, onChanged)}
        onClose={() => setOpen(undefined)}
      >
        <p>Requests with this key are refused from then on. A revoked key cannot be used again.</p>
        <WhenInput legend="Revoke" value={when} onChange={setWhen} />
        <ErrorAlert error={inputError ?? revoke.error} />
      </ConfirmDialog>

      <ConfirmDialog
        open={open === "roll"}
        title={`Roll “${apiKey.title}”?`}
        confirmLabel="Roll key"
        pending={roll.pending}
        onConfirm={() => confirmTimed(roll, onRolled)}
        onClose={() => setOpen(undefined)}
      >
        <p>
          A new key with the same title{apiKey.type === "publishable" ? " and sales channels" : ""} replaces this one, and this key is
          revoked. Give apps time to switch by revoking it later.
        </p>
        <WhenInput legend="Revoke this key" value={when} onChange={setWhen} />
        <ErrorAlert error={inputError ?? roll.error} />
      </ConfirmDialog>

      <ConfirmDialog
        open={open === "delete"}
        title={`Delete “${apiKey.title}”?`}
        confirmLabel="Delete key"
        danger
        pending={remove.pending}
        onConfirm={confirmDelete}
        onClose={() => setOpen(undefined)}
      >
        <p>The key and its record are removed for good.</p>
        <ErrorAlert error={remove.error} />
      </ConfirmDialog>
    </section>
  )
}
