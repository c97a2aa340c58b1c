import { formatDate } from "../format"

/** A machine-readable <time> with the date in the reader's words; `fallback` when there is none. */
export function DateTime({ value, fallback = "—" }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <>{fallback}</>
  return <time dateTime={value}>{formatDate(value)}</time>
}
