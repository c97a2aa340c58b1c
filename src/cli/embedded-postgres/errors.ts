import { MedusaError } from "../../framework/modules-sdk/medusa-error"

/**
 * The CLI prints a MedusaError as one "Error: …" line and exits 1. Detail such as a log tail
 * would otherwise spill over several lines, so every message is folded onto one.
 */
export function embeddedError(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, oneLine(message))
}

export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, " / ")
}

/** What every start-up failure tells the user to do when the embedded database cannot work here. */
export const USE_ANOTHER_SERVER = "or set DATABASE_URL to use another PostgreSQL server"

/** Failures this folder did not phrase (a full disk, a read-only folder) end the same way as the others. */
export function asEmbeddedError(error: unknown): MedusaError {
  if (MedusaError.isMedusaError(error)) return error
  return embeddedError(`The embedded database could not be started: ${error instanceof Error ? error.message : String(error)}; ${USE_ANOTHER_SERVER}`)
}
