import { ContainerRegistrationKeys, type Link, type MedusaApp } from "../src"
import { salesChannelLink } from "./app-config"
import { median, percentile, round } from "./stats"

/** How long one change may take to reach the server before the benchmark gives up on it. */
const POLL_TIMEOUT_MS = 10_000
const NOT_IN_KEY = "Requested sales channel is not part of the publishable key"

export interface PublishableFixture {
  baseUrl: string
  publishableToken: string
  publishableKeyId: string
  salesChannelId: string
}

/** Whether the server accepts a store request naming the channel (true), or refuses it as outside the key (false). */
async function channelAccepted(url: string, token: string): Promise<boolean> {
  const response = await fetch(url, { headers: { "x-publishable-api-key": token } })
  const body = await response.text()
  if (response.status === 200) return true
  if (response.status === 400 && body.includes(NOT_IN_KEY)) return false
  throw new Error(`${url}: unexpected ${response.status} ${body}`)
}

/** Polls until the server's answer is `wanted`; milliseconds it took. Throws after POLL_TIMEOUT_MS. */
async function pollUntil(url: string, token: string, wanted: boolean, startedAt: number): Promise<number> {
  while (performance.now() - startedAt < POLL_TIMEOUT_MS) {
    if ((await channelAccepted(url, token)) === wanted) return performance.now() - startedAt
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  const change = wanted ? "re-linked sales channel to be accepted" : "dismissed sales channel to be refused"
  throw new Error(`publishable propagation: the server did not see the ${change} within ${POLL_TIMEOUT_MS} ms (${url})`)
}

/**
 * Time from a sales channel link being dismissed in this process (`app`, process A) to the
 * server child (process B) refusing a store request that names the channel — how long a
 * storefront keeps reading a channel its key no longer grants. Each round re-links the channel
 * and waits until the server accepts it again before dismissing.
 */
export async function measurePublishablePropagation(app: MedusaApp, fixture: PublishableFixture, rounds: number) {
  const link = app.container.resolve<Link>(ContainerRegistrationKeys.LINK)
  const pair = salesChannelLink(fixture.publishableKeyId, fixture.salesChannelId)
  const url = `${fixture.baseUrl}/store/context?sales_channel_id=${encodeURIComponent(fixture.salesChannelId)}`
  const samples: number[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      await link.create(pair)
      await pollUntil(url, fixture.publishableToken, true, performance.now())
      await link.dismiss(pair)
      samples.push(await pollUntil(url, fixture.publishableToken, false, performance.now()))
    }
  } finally {
    // The server's fixtures as they were (the key grants the channel); tidying, never the error to report.
    await link.create(pair).catch(() => undefined)
  }
  return { p50: round(median(samples)), p99: round(percentile(samples, 99)), max: round(Math.max(...samples)) }
}
