/** Small measurement helpers: medians and percentiles over samples, timing with hrtime. */

export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export const median = (samples: number[]) => percentile(samples, 50)

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Runs `fn` and returns its duration in microseconds. */
export async function timeMicros(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1000
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}
