import type { Page } from "playwright-core"
import Medusa from "../src/sdk"
import { unlabelledControls as unlabelledControlsOf } from "./setup/browser"
import { useDashboardSession, type DashboardServer } from "./setup/dashboard"

/**
 * The dashboard's key settings beyond Medusa (issues 14–16 together): expiry on create, a secret
 * key's scopes, a publishable key's allowed origins, a rate limit, metadata shown read-only, the
 * "Edit settings" dialog, and "Expired" in lists and on the key's page. Same set-up as
 * dashboard.spec.ts: the package's server over real PostgreSQL (here with maxLifetime for secret
 * keys, to see the server refuse a longer expiry), the dashboard built from its sources, headless
 * Chromium, no console errors a test did not provoke.
 */

// Code passed to page.evaluate runs in the browser, with its globals.
declare const document: any, window: any
declare type HTMLInputElement = any

const MAX_SECRET_DAYS = 30
const DAY_MS = 86_400_000

let server: DashboardServer
let page: Page
let admin: Medusa
const session = useDashboardSession({ server: { apiKey: { maxLifetime: { secret: `${MAX_SECRET_DAYS}d` } } }, viewport: { width: 1200, height: 900 } })
beforeAll(() => {
  ;({ server, admin } = session)
})
beforeEach(() => {
  page = session.page
})

const app = (path = "/") => `${server.baseUrl}/app${path}`
const heading = (name: string) => page.getByRole("heading", { level: 1, name })

async function signIn(path = "/"): Promise<void> {
  await page.goto(app())
  await page.getByLabel("Secret API key").fill(server.fx.adminToken)
  await page.getByRole("button", { name: "Sign in" }).click()
  await heading("Publishable API keys").waitFor()
  if (path !== "/") await page.goto(app(path))
}

/** The value cell of a row of the key page's details. */
const detail = (label: string) =>
  page
    .locator("dl.details > div")
    .filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) })
    .locator("dd")

/** Reads the new key's id from the "Open …" link under its token, and opens its page. */
async function openCreated(title: string): Promise<string> {
  await page.getByRole("link", { name: `Open “${title}”` }).click()
  await heading(title).waitFor()
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string)
}

const unlabelledControls = () => unlabelledControlsOf(page)

describe("creating a key with settings", () => {
  it("creates a secret key that expires in 2 days with only api_key:read, and its page shows both", async () => {
    await signIn("/secret-keys/create")
    await heading("Create secret API key").waitFor()
    // Publishable keys' settings are not offered for a secret key.
    await expect(page.getByLabel("Allowed origins").count()).resolves.toBe(0)
    await page.getByLabel("Title", { exact: true }).fill("Read-only reporter")
    await page.getByLabel("Expires", { exact: true }).selectOption("days")
    await page.getByLabel("Days from now").fill("2")
    // The scopes can be checked only once access is limited.
    const readScope = page.getByLabel("api_key:read", { exact: true })
    await expect(readScope.isDisabled()).resolves.toBe(true)
    await page.getByLabel("Only the scopes checked below").check()
    await readScope.check()
    expect(await unlabelledControls()).toEqual([])
    const before = Date.now()
    await page.getByRole("button", { name: "Create secret API key" }).click()
    const token = await page.getByLabel("Secret token").inputValue()
    expect(token).toMatch(/^sk_/)

    const id = await openCreated("Read-only reporter")
    const stored = (await admin.admin.apiKey.retrieve(id)).api_key
    expect(stored.scopes).toEqual(["api_key:read"])
    const expiresAt = new Date(stored.expires_at as string).getTime()
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * DAY_MS - 1000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2 * DAY_MS + 1000)

    await expect(detail("Expires").locator("time").getAttribute("datetime")).resolves.toBe(stored.expires_at)
    await expect(detail("Scopes").getByRole("listitem").allTextContents()).resolves.toEqual(["api_key:read"])
    await expect(detail("Rate limit").textContent()).resolves.toBe("No limit")
    await expect(detail("Metadata").textContent()).resolves.toBe("None")
    await expect(page.locator(".page-head .badge").textContent()).resolves.toBe("Active")
  })

  it("reads Full access and the server's own default expiry for a key made with neither, and shows metadata", async () => {
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Tagged", type: "secret", metadata: { team: "data", seats: 3 } })
    await signIn(`/keys/${key.id}`)
    await heading("Tagged").waitFor()
    await expect(detail("Scopes").textContent()).resolves.toBe("Full access")
    // maxLifetime gave it one: the page shows the server's date.
    await expect(detail("Expires").locator("time").getAttribute("datetime")).resolves.toBe(key.expires_at)
    expect(JSON.parse((await detail("Metadata").locator("pre").textContent()) as string)).toEqual({ team: "data", seats: 3 })
  })

  it("creates a publishable key with allowed origins and a rate limit; clearing them in Edit settings reads Any origin and No limit", async () => {
    await signIn("/publishable-keys/create")
    await heading("Create publishable API key").waitFor()
    await expect(page.getByLabel("Only the scopes checked below").count()).resolves.toBe(0)
    await page.getByLabel("Title", { exact: true }).fill("Web shop")
    await page.getByLabel("Allowed origins").fill("https://Shop.example.com\n\n  https://*.preview.example.com  \n")
    await page.getByLabel("Requests").fill("100")
    await page.getByLabel("Window (seconds)").fill("60")
    expect(await unlabelledControls()).toEqual([])
    await page.getByRole("button", { name: "Create publishable API key" }).click()
    const id = await openCreated("Web shop")

    const origins = detail("Allowed origins").getByRole("listitem")
    await expect(origins.allTextContents()).resolves.toEqual(["https://shop.example.com", "https://*.preview.example.com"])
    await expect(detail("Rate limit").textContent()).resolves.toBe("100 requests per 60 seconds")
    expect((await admin.admin.apiKey.retrieve(id)).api_key).toMatchObject({
      allowed_origins: ["https://shop.example.com", "https://*.preview.example.com"],
      rate_limit: { limit: 100, window_s: 60 },
    })

    // Edit: the dialog starts from the key as it is; emptying a setting clears it.
    await page.getByRole("button", { name: "Edit settings" }).click()
    const dialog = page.getByRole("dialog", { name: "Settings of “Web shop”" })
    await expect(dialog.getByLabel("Allowed origins").inputValue()).resolves.toBe("https://shop.example.com\nhttps://*.preview.example.com")
    await expect(dialog.getByLabel("Requests").inputValue()).resolves.toBe("100")
    await dialog.getByLabel("Allowed origins").fill("")
    // Only what changed is sent (a key whose scopes forbid one setting can still change another).
    const sent = page.waitForRequest((request) => request.method() === "POST" && request.url().endsWith(`/admin/api-keys/${id}`))
    await dialog.getByRole("button", { name: "Save settings" }).click()
    expect((await sent).postDataJSON()).toEqual({ allowed_origins: null })
    await dialog.waitFor({ state: "hidden" })
    await expect(detail("Allowed origins").textContent()).resolves.toBe("Any origin")
    await expect(detail("Rate limit").textContent()).resolves.toBe("100 requests per 60 seconds")

    await page.getByRole("button", { name: "Edit settings" }).click()
    await dialog.getByLabel("Requests").fill("")
    await dialog.getByLabel("Window (seconds)").fill("")
    await dialog.getByRole("button", { name: "Save settings" }).click()
    await dialog.waitFor({ state: "hidden" })
    await expect(detail("Rate limit").textContent()).resolves.toBe("No limit")
    const cleared = (await admin.admin.apiKey.retrieve(id)).api_key
    expect(cleared).not.toHaveProperty("allowed_origins")
    expect(cleared).not.toHaveProperty("rate_limit")
  })

  it("changes a secret key's scopes in Edit settings, back to Full access too", async () => {
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Channel bot", type: "secret" })
    await signIn(`/keys/${key.id}`)
    await heading("Channel bot").waitFor()
    await page.getByRole("button", { name: "Edit settings" }).click()
    const dialog = page.getByRole("dialog", { name: "Settings of “Channel bot”" })
    await dialog.getByLabel("Only the scopes checked below").check()
    await dialog.getByLabel("sales_channel:write", { exact: true }).check()
    await dialog.getByLabel("sales_channel:read", { exact: true }).check()
    await dialog.getByRole("button", { name: "Save settings" }).click()
    await dialog.waitFor({ state: "hidden" })
    await expect(detail("Scopes").getByRole("listitem").allTextContents()).resolves.toEqual(["sales_channel:read", "sales_channel:write"])
    expect((await admin.admin.apiKey.retrieve(key.id)).api_key.scopes).toEqual(["sales_channel:read", "sales_channel:write"])

    await page.getByRole("button", { name: "Edit settings" }).click()
    await expect(dialog.getByLabel("sales_channel:read", { exact: true }).isChecked()).resolves.toBe(true)
    await dialog.getByLabel("Full access").check()
    await dialog.getByRole("button", { name: "Save settings" }).click()
    await dialog.waitFor({ state: "hidden" })
    await expect(detail("Scopes").textContent()).resolves.toBe("Full access")
    expect((await admin.admin.apiKey.retrieve(key.id)).api_key).not.toHaveProperty("scopes")
  })
})

describe("errors", () => {
  it("shows the server's message for an invalid origin and for an expiry past maxLifetime, next to the form", async () => {
    session.expectStatuses(400)
    await signIn("/publishable-keys/create")
    await page.getByLabel("Title", { exact: true }).fill("Bad origin")
    await page.getByLabel("Allowed origins").fill("https://shop.example.com/checkout")
    await page.getByRole("button", { name: "Create publishable API key" }).click()
    const alert = page.locator("form").getByRole("alert")
    await expect(alert.textContent()).resolves.toContain('allowed_origins entry "https://shop.example.com/checkout" is not an origin')
    await expect(alert.textContent()).resolves.toContain("(400 invalid_data)")
    expect((await admin.admin.apiKey.list({ q: "Bad origin" })).count).toBe(0)

    await page.goto(app("/secret-keys/create"))
    await page.getByLabel("Title", { exact: true }).fill("Too long")
    await page.getByLabel("Expires", { exact: true }).selectOption("days")
    await page.getByLabel("Days from now").fill(String(MAX_SECRET_DAYS * 2))
    await page.getByRole("button", { name: "Create secret API key" }).click()
    await expect(alert.textContent()).resolves.toContain(`secret keys may live at most ${MAX_SECRET_DAYS} days (module option maxLifetime.secret)`)
  })

  it("says what to fix before sending settings that do not make sense together (at 390 px wide)", async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await signIn("/secret-keys/create")
    await page.getByLabel("Expires", { exact: true }).selectOption("hours")
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await page.getByLabel("Expires", { exact: true }).selectOption("never")
    await page.getByLabel("Title", { exact: true }).fill("Half set")
    await page.getByLabel("Only the scopes checked below").check()
    await page.getByRole("button", { name: "Create secret API key" }).click()
    const alert = page.locator("form").getByRole("alert")
    await expect(alert.textContent()).resolves.toBe("Check at least one scope, or choose Full access.")
    await page.getByLabel("Full access").check()
    await page.getByLabel("Requests").fill("10")
    await page.getByRole("button", { name: "Create secret API key" }).click()
    await expect(alert.textContent()).resolves.toContain("Give both the number of requests and the seconds")
    expect((await admin.admin.apiKey.list({ q: "Half set" })).count).toBe(0)
  })

  it("shows an invalid origin in Edit settings inside the dialog, and keeps the key as it was", async () => {
    session.expectStatuses(400)
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Kiosk", type: "publishable", allowed_origins: ["https://kiosk.example.com"] })
    await signIn(`/keys/${key.id}`)
    await page.getByRole("button", { name: "Edit settings" }).click()
    const dialog = page.getByRole("dialog", { name: "Settings of “Kiosk”" })
    await dialog.getByLabel("Allowed origins").fill("kiosk.example.com")
    await dialog.getByRole("button", { name: "Save settings" }).click()
    await expect(dialog.getByRole("alert").textContent()).resolves.toContain('allowed_origins entry "kiosk.example.com" is not an origin')
    await expect(detail("Allowed origins").getByRole("listitem").allTextContents()).resolves.toEqual(["https://kiosk.example.com"])
  })

  it("shows a 403 next to the action and stays signed in", async () => {
    // A scoped key's refusal (403 forbidden) comes from the scopes feature, which merges in
    // parallel with this one; until then the browser is handed the server's answer for it.
    session.expectStatuses(403)
    const message = 'This API key lacks the scope "api_key:write" needed for POST /admin/api-keys/:id'
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Guarded", type: "secret" })
    await page.route(`**/admin/api-keys/${key.id}`, (route) =>
      route.request().method() === "POST" ? route.fulfill({ status: 403, json: { type: "forbidden", message } }) : route.fallback()
    )
    await signIn(`/keys/${key.id}`)
    await page.getByRole("button", { name: "Edit settings" }).click()
    const dialog = page.getByRole("dialog", { name: "Settings of “Guarded”" })
    await dialog.getByLabel("Requests").fill("5")
    await dialog.getByLabel("Window (seconds)").fill("1")
    await dialog.getByRole("button", { name: "Save settings" }).click()
    await expect(dialog.getByRole("alert").textContent()).resolves.toBe(`${message} (403 forbidden)`)
    await dialog.getByRole("button", { name: "Cancel" }).click()

    // The title form goes through the same route: its 403 shows beside it. Still signed in.
    await page.getByLabel("Title", { exact: true }).fill("Guarded v2")
    await page.getByRole("button", { name: "Save title" }).click()
    await expect(page.locator("form.inline-form").getByRole("alert").textContent()).resolves.toContain("403 forbidden")
    expect(await page.evaluate(() => Object.keys(window.sessionStorage).length)).toBe(1)
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secret API keys" }).click()
    await heading("Secret API keys").waitFor()
  })
})

describe("expired keys", () => {
  it("reads Expired in the list and on the key's page, is found by the Expired filter, and can only be deleted", async () => {
    const key = await server.fx.apiKeys.createApiKeys({ title: "Short-lived", type: "publishable", created_by: "test", expires_in: 1 })
    const later = await server.fx.apiKeys.createApiKeys({ title: "Short-lived later", type: "publishable", created_by: "test", expires_in: 3600 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await signIn()
    const rows = page.getByRole("table", { name: "Publishable API keys" }).locator("tbody tr")
    await page.getByRole("search").getByLabel("Search").fill("Short-lived")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByText("1–2 of 2").waitFor()
    const row = (title: string) => rows.filter({ has: page.getByRole("rowheader", { name: title, exact: true }) })
    await expect(row("Short-lived").locator(".badge").textContent()).resolves.toBe("Expired")
    await expect(row("Short-lived later").locator(".badge").textContent()).resolves.toBe("Active")

    // Both filters answer "1–1 of 1": wait for the row itself, not the range, before reading the table.
    await page.getByLabel("Status").selectOption("expired")
    await rows.getByRole("rowheader", { name: "Short-lived", exact: true }).waitFor()
    await page.getByText("1–1 of 1").waitFor()
    await expect(rows.getByRole("rowheader").allTextContents()).resolves.toEqual(["Short-lived"])
    await page.getByLabel("Status").selectOption("active")
    await rows.getByRole("rowheader", { name: "Short-lived later", exact: true }).waitFor()
    await page.getByText("1–1 of 1").waitFor()
    await expect(rows.getByRole("rowheader").allTextContents()).resolves.toEqual(["Short-lived later"])
    await page.getByLabel("Status").selectOption("revoked")
    await page.getByText("No publishable API keys match these filters.").waitFor()

    await page.goto(app(`/keys/${key.id}`))
    await heading("Short-lived").waitFor()
    await expect(page.locator(".page-head .badge").textContent()).resolves.toBe("Expired")
    await expect(detail("Expires").textContent()).resolves.toMatch(/^Expired /)
    await expect(page.getByRole("button", { name: "Revoke key" }).count()).resolves.toBe(0)
    await expect(page.getByRole("button", { name: "Roll key" }).count()).resolves.toBe(0)
    await expect(page.getByRole("button", { name: "Edit settings" }).count()).resolves.toBe(0)
    await page.getByRole("button", { name: "Delete key" }).click()
    await page.getByRole("dialog", { name: "Delete “Short-lived”?" }).getByRole("button", { name: "Delete key" }).click()
    await heading("Publishable API keys").waitFor()
    await expect(admin.admin.apiKey.retrieve(key.id)).rejects.toMatchObject({ status: 404 })
    expect((await admin.admin.apiKey.retrieve(later.id)).api_key.id).toBe(later.id)
  })
})
