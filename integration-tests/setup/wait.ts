export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every `stepMs` until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await sleep(stepMs)
  }
}
