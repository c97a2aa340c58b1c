const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" })

/** A date as the reader's locale writes it ("Jan 5, 2025, 3:04 PM"). */
export function formatDate(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : ""
}
