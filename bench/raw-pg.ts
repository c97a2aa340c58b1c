import { forkSibling, nextMessage, stopChild } from "./child"

export interface RawPgResult {
  queries_per_s: number
  p50_ms: number
  p99_ms: number
}

/** Replays `sql` with a plain pg.Pool for `seconds`, in a child process of its own (see raw-pg-child.ts). */
export async function measureRawPg(databaseUrl: string, sql: string, seconds: number): Promise<RawPgResult> {
  const child = forkSibling("raw-pg-child.js", { BENCH_DATABASE_URL: databaseUrl, BENCH_RAW_SQL: sql, BENCH_SECONDS: String(seconds) })
  try {
    const { queries_per_s, p50_ms, p99_ms } = await nextMessage<RawPgResult & { kind: "result" }>(child, "result", seconds * 1000 + 30_000)
    return { queries_per_s, p50_ms, p99_ms }
  } finally {
    await stopChild(child)
  }
}
