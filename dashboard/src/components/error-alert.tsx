import { errorMessage } from "../errors"

/**
 * An API error, shown next to the action that caused it. role="alert": a screen reader says it
 * at once. Renders nothing while there is no error.
 */
export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  if (error === undefined || error === null) return null
  return (
    <p role="alert" className="alert" id={id}>
      {errorMessage(error)}
    </p>
  )
}
