/**
 * Durations as people write them in options and on the command line: `90d`, `12h`, `15m`, `45s`
 * (one whole number and one unit). One parser for the module options (`maxLifetime`) and the CLI
 * (`--expires-in`, `--expiring`, `--older-than`), so they all read the same way.
 */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** Seconds in `90d` / `12h` / `15m` / `45s`, or null when the text is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd])$/.exec(text.trim())
  if (!match) return null
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]]
  return Number.isSafeInteger(seconds * 1000) ? seconds : null
}

const UNITS: [number, string][] = [
  [86_400, "day"],
  [3600, "hour"],
  [60, "minute"],
  [1, "second"],
]

/** `120 days`, `1.5 hours`, `30 seconds`: the largest unit the length reaches, one decimal at most. */
export function formatDuration(seconds: number): string {
  const [size, unit] = UNITS.find(([size]) => seconds >= size) ?? UNITS[UNITS.length - 1]
  const amount = Math.round((seconds / size) * 10) / 10
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`
}
