import { FetchError } from "./sdk"

/**
 * What to tell the user about a failed call: the server's own message (it says what to fix),
 * with the status; a network failure says the server could not be reached.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof FetchError) {
    const status = error.status ? ` (${error.status}${error.type ? ` ${error.type}` : ""})` : ""
    return `${error.message || error.statusText || "The request failed"}${status}`
  }
  if (error instanceof TypeError) return `Could not reach the server: ${error.message}. Check that it is running.`
  return error instanceof Error ? error.message : String(error)
}
