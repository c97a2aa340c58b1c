import { parseArgs, type ParseArgsConfig } from "node:util"
import { parseDuration } from "../framework/modules-sdk/duration"
import { UsageError } from "./io"

type Options = NonNullable<ParseArgsConfig["options"]>
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: boolean }>>

/** node:util parseArgs, strict, with its errors turned into usage errors for `command`. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T, positionals = 0): Parsed<T> {
  let parsed: Parsed<T>
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 })
  } catch (error) {
    throw new UsageError((error as Error).message, command)
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`Unexpected argument "${parsed.positionals[positionals]}"`, command)
  }
  return parsed
}

export function requireOption(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`--${name} is required`, command)
  return value
}

/** A whole number of 0 or more, e.g. --revoke-in 3600. */
export function parseCount(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} must be a whole number of 0 or more; got "${value}"`, command)
  }
  return n
}

/** A duration such as 30d, 12h, 15m or 90s, in seconds, e.g. --expires-in 30d (0s only when `allowZero`). */
export function parseDurationOption(command: string, name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined
  const seconds = parseDuration(value)
  if (seconds === null || (seconds === 0 && !allowZero)) {
    const size = allowZero ? "a whole number" : "a whole number above 0"
    throw new UsageError(`--${name} must be ${size} with a unit: s, m, h or d (e.g. 30d, 12h); got "${value}"`, command)
  }
  return seconds
}
