import { MedusaError } from "../framework/modules-sdk/medusa-error"

/** Where a command writes: results on stdout (scripts capture them), everything else on stderr. */
export interface CliIO {
  out(line: string): void
  info(line: string): void
}

/** What a command runs with: its output streams and the project folder (the current one). */
export interface CliContext extends CliIO {
  directory: string
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  info: (line) => process.stderr.write(`${line}\n`),
}

/** Bad command-line arguments: reported with the usage text and exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message)
    this.name = "UsageError"
  }
}

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** A message for the user: MedusaErrors (expected failures) without a stack trace. */
export function describeFailure(error: unknown): string {
  if (MedusaError.isMedusaError(error)) return `Error: ${error.message}`
  if (error instanceof Error) return `Error: ${error.message}${process.env.DEBUG ? `\n${error.stack}` : ""}`
  return `Error: ${String(error)}`
}
