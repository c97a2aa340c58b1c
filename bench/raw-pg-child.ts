import { Pool } from "pg"
import { median, percentile, round } from "./stats"

/** The module pool's default size (`pool.max` in src/framework/modules-sdk/database.ts). */
const POOL_MAX = 10
/** As many concurrent callers as autocannon has connections. */
const LOOPS = 32

/**
 * The process that replays the admin route's SELECT with `pg` directly: what PostgreSQL and the
 * driver alone give at the same concurrency, with no ORM or HTTP in between. Its own process, so
 * it does not share an event loop with anything else. Sends one "result" message.
 */
async function main() {
  const sql = process.env.BENCH_RAW_SQL!
  const seconds = Number(process.env.BENCH_SECONDS)
  const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: POOL_MAX })
  try {
    // Open every connection first: the measured part is queries, not connects.
    await Promise.all(Array.from({ length: POOL_MAX }, () => pool.query(sql)))
    const samples: number[] = []
    const start = performance.now()
    const deadline = start + seconds * 1000
    const loop = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now()
        const { rowCount } = await pool.query(sql)
        if (rowCount !== 1) throw new Error(`the replayed SELECT returned ${rowCount} rows, not 1`)
        samples.push(performance.now() - sent)
      }
    }
    await Promise.all(Array.from({ length: LOOPS }, loop))
    const elapsedSeconds = (performance.now() - start) / 1000
    process.send?.({
      kind: "result",
      queries_per_s: Math.round(samples.length / elapsedSeconds),
      p50_ms: round(median(samples)),
      p99_ms: round(percentile(samples, 99)),
    })
  } finally {
    await pool.end()
  }
}

main().catch((error) => {
  process.stderr.write(`[bench raw-pg] ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
