import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react"

interface DialogProps {
  open: boolean
  title: string
  /** The confirm button's words ("Revoke key"). */
  confirmLabel: string
  /** Red confirm button for what cannot be undone. */
  danger?: boolean
  pending?: boolean
  onConfirm(): void
  onClose(): void
  children: ReactNode
}

/**
 * A confirmation in the browser's modal <dialog>: focus moves into it and stays there, Escape
 * closes it, and focus returns to the button that opened it. `children` holds the question and
 * any options (and the action's error, so it shows where the user is looking).
 */
export function ConfirmDialog({ open, title, confirmLabel, danger, pending, onConfirm, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onConfirm()
  }
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? "button danger" : "button"} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
