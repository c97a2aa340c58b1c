import { useState } from "react"
import { errorMessage } from "../errors"

/** Copies `text` to the clipboard; says so (role="status"), or why it could not. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<{ copied: true } | { error: unknown } | undefined>(undefined)
  const copy = async () => {
    try {
      // navigator.clipboard exists only on secure pages (https, or localhost).
      if (!navigator.clipboard) throw new Error("the browser allows the clipboard only on https or localhost pages")
      await navigator.clipboard.writeText(text)
      setResult({ copied: true })
    } catch (error) {
      setResult({ error })
    }
  }
  return (
    <span className="copy">
      <button type="button" className="button secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {result && "copied" in result ? "Copied" : ""}
      </span>
      {result && "error" in result && (
        <span role="alert" className="alert">
          Could not copy ({errorMessage(result.error)}): select the text and copy it yourself.
        </span>
      )}
    </span>
  )
}
