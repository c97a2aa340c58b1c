import { initialize } from "../src"
import { forkSibling, nextMessage, stopChild, wallClockMs } from "./child"
import { median, percentile, round } from "./stats"

/** Time from a revoke returning in this process to another process refusing the key. */
export async function measureRevocationPropagation(databaseUrl: string, rounds: number) {
  const peer = forkSibling("peer.js", { BENCH_DATABASE_URL: databaseUrl })
  const service = await initialize({ database: { clientUrl: databaseUrl } })
  try {
    await nextMessage(peer, "ready")
    const samples: number[] = []
    for (let i = 0; i < rounds; i++) {
      const key = await service.create({ title: `propagation ${i}`, type: "secret", created_by: "bench" })
      peer.send({ kind: "warm", token: key.token })
      const warmed = await nextMessage<{ kind: string; ok: boolean }>(peer, "warmed")
      if (!warmed.ok) throw new Error("the peer could not authenticate the fresh key")
      peer.send({ kind: "watch", token: key.token })
      await nextMessage(peer, "watching")
      const seen = nextMessage<{ kind: string; at: number }>(peer, "revoked")
      await service.revoke(key.id)
      const revokedAt = wallClockMs()
      const { at } = await seen
      samples.push(Math.max(0, at - revokedAt))
    }
    return { p50: round(median(samples)), p99: round(percentile(samples, 99)), max: round(Math.max(...samples)) }
  } finally {
    await service.onApplicationShutdown()
    await stopChild(peer)
  }
}
