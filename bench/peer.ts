import { initialize } from "../src"
import { wallClockMs } from "./child"

/**
 * The second process of the revocation benchmark: keeps a token warm in its own cache, then
 * polls it and reports the moment it first stops authenticating.
 */
async function main() {
  const service = await initialize({ database: { clientUrl: process.env.BENCH_DATABASE_URL } })
  process.on("message", async (message: { kind: string; token?: string }) => {
    if (message.kind === "warm") {
      const ok = await service.authenticate(message.token)
      process.send?.({ kind: "warmed", ok: !!ok })
    } else if (message.kind === "watch") {
      process.send?.({ kind: "watching" })
      const deadline = Date.now() + 10_000
      while (Date.now() < deadline) {
        if (!(await service.authenticate(message.token))) {
          process.send?.({ kind: "revoked", at: wallClockMs() })
          return
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      process.send?.({ kind: "revoked", at: Number.NaN })
    }
  })
  process.on("SIGTERM", () => service.onApplicationShutdown().then(() => process.exit(0)))
  process.send?.({ kind: "ready" })
}

main().catch((error) => {
  process.stderr.write(`[bench peer] ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
