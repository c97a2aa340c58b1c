import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Page } from "playwright-core"
import request from "supertest"
import { createApp } from "../src/http"
import Medusa from "../src/sdk"
import { writeAppApi } from "./setup/app-folder"
import { unlabelledControls } from "./setup/browser"
import { useDashboardSession, type DashboardServer } from "./setup/dashboard"

/**
 * The admin dashboard (issue 16, points 2 and 3) in a real headless Chromium against the
 * package's server: real PostgreSQL, the dashboard built from its sources, every click going
 * through the JS SDK to the admin API. One browser for the file; each test has its own context
 * (fresh session storage) and fails on any console error it did not provoke.
 */

// Code passed to page.evaluate runs in the browser, with its globals (this Node program's types have none).
declare const document: any, window: any, sessionStorage: any, navigator: any
declare type HTMLInputElement = any

let server: DashboardServer
let page: Page
let admin: Medusa
const session = useDashboardSession({ viewport: { width: 1200, height: 800 }, clipboard: true })
beforeAll(() => {
  ;({ server, admin } = session)
})
beforeEach(() => {
  page = session.page
})

const app = (path = "/") => `${server.baseUrl}/app${path}`

async function signIn(token = server.fx.adminToken): Promise<void> {
  await page.goto(app())
  await page.getByLabel("Secret API key").fill(token)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("heading", { level: 1, name: "Publishable API keys" }).waitFor()
}

const heading = (name: string) => page.getByRole("heading", { level: 1, name })
const alert = () => page.getByRole("alert")
const storedKey = () => page.evaluate(() => Object.values(sessionStorage))

async function openKey(title: string, list: "Publishable API keys" | "Secret API keys"): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: list }).click()
  await page.getByRole("search").getByLabel("Search").fill(title)
  await page.getByRole("button", { name: "Search" }).click()
  await page.getByRole("table").getByRole("link", { name: title, exact: true }).click()
  await heading(title).waitFor()
}

describe("serving", () => {
  it("serves the dashboard at /app with deep links, links it from /, and leaves the API as it was", async () => {
    const home = await fetch(`${server.baseUrl}/`)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('href="/app/"')

    const deep = await fetch(app("/keys/apk_whatever"))
    expect(deep.status).toBe(200)
    expect(deep.headers.get("content-type")).toMatch(/text\/html/)
    expect(deep.headers.get("content-security-policy")).toContain("connect-src 'self'")
    const html = await deep.text()
    const asset = html.match(/src="(\/app\/assets\/[^"]+\.js)"/)?.[1]
    expect(asset).toBeDefined()
    const script = await fetch(`${server.baseUrl}${asset}`)
    expect(script.status).toBe(200)
    expect(script.headers.get("cache-control")).toContain("immutable")
    // A missing asset is a 404, not the page (a browser would run HTML as a script).
    expect((await fetch(app("/assets/missing.js"))).status).toBe(404)

    expect((await fetch(`${server.baseUrl}/admin/api-keys`)).status).toBe(401)
    expect(await (await fetch(`${server.baseUrl}/nowhere`)).json()).toEqual({ type: "not_found", message: "Cannot GET /nowhere" })
  })

  it("leaves / and /app/... to an app's own routes, and says how to build the dashboard when there is no build", async () => {
    const appDir = writeAppApi({
      "route.js": `exports.GET = async (req, res) => res.json({ from: "app" })`,
      "app/custom/route.js": `exports.GET = async (req, res) => res.json({ custom: true })`,
    })
    const empty = mkdtempSync(path.join(tmpdir(), "api-key-no-dashboard-"))
    try {
      const { container } = server.fx.medusa
      const withRoutes = createApp({ container, directory: appDir, dashboard: { directory: server.dashboardDirectory } })
      expect((await request(withRoutes).get("/")).body).toEqual({ from: "app" })
      expect((await request(withRoutes).get("/app/custom")).body).toEqual({ custom: true })
      expect((await request(withRoutes).get("/app/secret-keys")).type).toBe("text/html")

      const unbuilt = createApp({ container, dashboard: { directory: empty } })
      expect(unbuilt.dashboardServed).toBe(false)
      const missing = await request(unbuilt).get("/app/secret-keys")
      expect(missing.status).toBe(404)
      expect(missing.body).toEqual({ type: "not_found", message: expect.stringContaining('run "npm run build"') })
      expect((await request(unbuilt).get("/")).text).toContain("The dashboard is not built")
    } finally {
      rmSync(appDir, { recursive: true, force: true })
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe("signing in and out", () => {
  it("refuses a key the server does not accept, then signs in with a secret key kept for this tab", async () => {
    session.expectStatuses(401)
    await page.goto(app())
    await page.getByLabel("Secret API key").fill(`sk_${"0".repeat(64)}`)
    await page.getByRole("button", { name: "Sign in" }).click()
    await expect(alert().textContent()).resolves.toContain("did not accept this key")
    expect(await storedKey()).toEqual([])

    await page.getByLabel("Secret API key").fill(server.fx.adminToken)
    await page.getByRole("button", { name: "Sign in" }).click()
    await heading("Publishable API keys").waitFor()
    expect(await storedKey()).toEqual([server.fx.adminToken])

    // A reload keeps the session; a deep link opens its own page.
    await page.goto(app("/secret-keys"))
    await heading("Secret API keys").waitFor()
  })

  it("signs out: the key is forgotten and the sign-in page says so", async () => {
    await signIn()
    await page.getByRole("button", { name: "Sign out" }).click()
    await page.getByLabel("Secret API key").waitFor()
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("You have signed out")
    expect(await storedKey()).toEqual([])
    await page.reload()
    await page.getByLabel("Secret API key").waitFor()
  })

  it("is signed out when the server stops accepting its key (401), and cannot sign in with it again", async () => {
    session.expectStatuses(401)
    const { api_key: own } = await admin.admin.apiKey.create({ title: "Soon revoked session", type: "secret" })
    await signIn(own.token)
    await admin.admin.apiKey.revoke(own.id)

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secret API keys" }).click()
    await page.getByLabel("Secret API key").waitFor()
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("no longer accepts this secret key")
    expect(await storedKey()).toEqual([])

    await page.getByLabel("Secret API key").fill(own.token)
    await page.getByRole("button", { name: "Sign in" }).click()
    await expect(alert().textContent()).resolves.toContain("401")
    expect(await storedKey()).toEqual([])
  })
})

describe("keys", () => {
  it("creates a secret key and shows its token once: copyable, then gone after a reload or leaving the page", async () => {
    await signIn()
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secret API keys" }).click()
    await page.getByRole("link", { name: "Create secret API key" }).click()
    await page.getByLabel("Title").fill("CI deploy")
    await page.getByRole("button", { name: "Create secret API key" }).click()

    const tokenField = page.getByLabel("Secret token")
    const token = await tokenField.inputValue()
    expect(token).toMatch(/^sk_[0-9a-f]{64}$/)
    await expect(page.getByText("you will not see it again").count()).resolves.toBe(1)
    await page.getByRole("button", { name: "Copy token" }).click()
    await page.getByRole("status").filter({ hasText: "Copied" }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token)
    // The token is real: the admin API accepts it.
    const { api_keys } = await new Medusa({ baseUrl: server.baseUrl, apiKey: token }).admin.apiKey.list({ q: "CI deploy" })
    expect(api_keys.map((k) => k.title)).toEqual(["CI deploy"])

    await page.reload()
    await heading("Create secret API key").waitFor()
    expect(await page.content()).not.toContain(token)

    await openKey("CI deploy", "Secret API keys")
    const redacted = `${token.slice(0, 6)}***${token.slice(-3)}`
    await page.getByText(redacted).waitFor()
    expect(await page.content()).not.toContain(token)
    expect(JSON.stringify(await storedKey())).not.toContain(token)
  })

  it("creates a publishable key, creates a sales channel and links it, then unlinks it", async () => {
    await signIn()
    await page.getByRole("link", { name: "Create publishable API key" }).click()
    await page.getByLabel("Title").fill("Web storefront")
    await page.getByRole("button", { name: "Create publishable API key" }).click()
    const token = await page.getByLabel("Publishable token").inputValue()
    expect(token).toMatch(/^pk_[0-9a-f]{64}$/)

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sales channels" }).click()
    await page.getByLabel("Name").fill("Web")
    await page.getByRole("button", { name: "Create sales channel" }).click()
    await page.getByRole("status").filter({ hasText: "Created “Web”." }).waitFor()
    await page.getByRole("table", { name: "Sales channels" }).getByRole("rowheader", { name: "Web" }).waitFor()

    await openKey("Web storefront", "Publishable API keys")
    await page.getByText("No sales channels yet.").waitFor()
    await page.getByLabel("Add a sales channel").selectOption({ label: "Web" })
    await page.getByRole("button", { name: "Add channel" }).click()
    const linked = page.getByRole("list", { name: "Linked sales channels" })
    await linked.getByRole("listitem").filter({ hasText: "Web" }).waitFor()
    // A storefront with this key now sees the channel.
    const storefront = new Medusa({ baseUrl: server.baseUrl, publishableKey: token })
    expect((await storefront.store.salesChannel.list()).sales_channels.map((c) => c.name)).toEqual(["Web"])

    await linked.getByRole("button", { name: "Remove Web" }).click()
    await page.getByText("No sales channels yet.").waitFor()
    expect((await storefront.store.salesChannel.list()).sales_channels).toEqual([])
  })

  it("renames a key, rolls it with an overlap, revokes and deletes a key, asking first each time", async () => {
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Nightly export", type: "secret" })
    await signIn()
    await openKey("Nightly export", "Secret API keys")
    await expect(page.getByRole("button", { name: "Delete key" }).count()).resolves.toBe(0)
    await page.getByText("Only a revoked key can be deleted.").waitFor()

    await page.getByLabel("Title").fill("Nightly export v2")
    await page.getByRole("button", { name: "Save title" }).click()
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor()
    expect((await admin.admin.apiKey.retrieve(key.id)).api_key.title).toBe("Nightly export v2")

    // Roll, the old key working 30 more minutes.
    await page.getByRole("button", { name: "Roll key" }).click()
    const rollDialog = page.getByRole("dialog", { name: "Roll “Nightly export v2”?" })
    await rollDialog.getByLabel("Later").check()
    await rollDialog.getByLabel("Minutes from now").fill("30")
    await rollDialog.getByRole("button", { name: "Roll key" }).click()
    const successorToken = await page.getByLabel("Secret token").inputValue()
    expect(successorToken).toMatch(/^sk_[0-9a-f]{64}$/)
    await page.getByText("you will not see it again").waitFor()
    await page.getByRole("heading", { level: 1, name: "Nightly export v2" }).waitFor()
    await page.locator(".page-head .badge").filter({ hasText: "Revoking" }).waitFor()
    const old = (await admin.admin.apiKey.retrieve(key.id)).api_key
    expect(new Date(old.revoked_at as string).getTime() - Date.now()).toBeGreaterThan(29 * 60_000)
    await expect(new Medusa({ baseUrl: server.baseUrl, apiKey: key.token }).admin.apiKey.list({ limit: 1 })).resolves.toBeDefined()

    // Revoke the successor now, then delete it.
    await page.getByRole("link", { name: "Open “Nightly export v2”" }).click()
    await page.getByText(`${successorToken.slice(0, 6)}***${successorToken.slice(-3)}`).waitFor()
    await page.getByRole("button", { name: "Revoke key" }).click()
    const revokeDialog = page.getByRole("dialog", { name: "Revoke “Nightly export v2”?" })
    await revokeDialog.getByRole("button", { name: "Cancel" }).click()
    await revokeDialog.waitFor({ state: "hidden" })
    await page.getByRole("button", { name: "Revoke key" }).click()
    await revokeDialog.getByRole("button", { name: "Revoke key" }).click()
    await page.locator(".page-head .badge").filter({ hasText: "Revoked" }).waitFor()
    await expect(page.getByRole("button", { name: "Roll key" }).count()).resolves.toBe(0)
    const successorId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string)
    expect((await admin.admin.apiKey.retrieve(successorId)).api_key).toMatchObject({ revoked_by: server.fx.admin.id })

    await page.getByRole("button", { name: "Delete key" }).click()
    await page.getByRole("dialog", { name: "Delete “Nightly export v2”?" }).getByRole("button", { name: "Delete key" }).click()
    await heading("Secret API keys").waitFor()
    await page.getByRole("status").filter({ hasText: "Deleted “Nightly export v2”." }).waitFor()
    await expect(admin.admin.apiKey.retrieve(successorId)).rejects.toMatchObject({ status: 404 })
  })

  it("shows the server's refusal next to the action instead of swallowing it", async () => {
    session.expectStatuses(400)
    const { api_key: key } = await admin.admin.apiKey.create({ title: "Raced revoke", type: "secret" })
    await signIn()
    await openKey("Raced revoke", "Secret API keys")
    // Someone else revokes it while the page still offers Revoke.
    await admin.admin.apiKey.revoke(key.id)
    await page.getByRole("button", { name: "Revoke key" }).click()
    const dialog = page.getByRole("dialog", { name: "Revoke “Raced revoke”?" })
    await dialog.getByRole("button", { name: "Revoke key" }).click()
    await expect(dialog.getByRole("alert").textContent()).resolves.toContain("already revoked")
  })

  it("searches, filters by status and pages through the list", async () => {
    const made = []
    for (let i = 1; i <= 23; i++) made.push(await server.fx.apiKeys.createApiKeys({ title: `Bulk ${String(i).padStart(2, "0")}`, type: "publishable", created_by: "test" }))
    await server.fx.apiKeys.revoke([made[0].id, made[1].id, made[2].id])
    await server.fx.apiKeys.revoke(made[3].id, { revoke_in: 3600 })
    await signIn()
    const rows = page.getByRole("table", { name: "Publishable API keys" }).locator("tbody tr")

    await page.getByRole("search").getByLabel("Search").fill("Bulk")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByText("1–20 of 23").waitFor()
    expect(await rows.count()).toBe(20)
    await expect(rows.first().getByRole("rowheader").textContent()).resolves.toBe("Bulk 23")
    await page.getByRole("button", { name: "Next page" }).click()
    await page.getByText("21–23 of 23").waitFor()
    expect(await rows.count()).toBe(3)

    await page.getByLabel("Status").selectOption("revoked")
    await page.getByText("1–3 of 3").waitFor()
    expect(await rows.getByRole("rowheader").allTextContents()).toEqual(["Bulk 03", "Bulk 02", "Bulk 01"])
    // Active: never revoked, or revoked from later on (still working).
    await page.getByLabel("Status").selectOption("active")
    await page.getByText("1–20 of 20").waitFor()
    await page.getByRole("search").getByLabel("Search").fill("Bulk 04")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByText("1–1 of 1").waitFor()
    await rows.getByText("Revoking").waitFor()

    // The filters are in the URL: a reload keeps them.
    await page.reload()
    await page.getByText("1–1 of 1").waitFor()
    expect(await page.getByLabel("Status").inputValue()).toBe("active")
    await page.getByRole("search").getByLabel("Search").fill("no such key")
    await page.getByRole("button", { name: "Search" }).click()
    await page.getByText("No publishable API keys match these filters.").waitFor()
  })
})

describe("accessibility", () => {
  it("works at 390 px wide with the keyboard alone: no sideways scrolling, labelled controls, dialogs close on Escape", async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(app())
    await page.getByLabel("Secret API key").waitFor()
    await page.keyboard.press("Tab") // the skip link
    await page.keyboard.press("Tab")
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("secret-key")
    await page.keyboard.type(server.fx.adminToken)
    await page.keyboard.press("Enter")
    await heading("Publishable API keys").waitFor()
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
    expect(await fits()).toBe(true)

    // Tab to the create link, open it, fill the form and submit with Enter.
    let label = ""
    for (let i = 0; i < 15 && label !== "Create publishable API key"; i++) {
      await page.keyboard.press("Tab")
      label = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "")
    }
    expect(label).toBe("Create publishable API key")
    await page.keyboard.press("Enter")
    await heading("Create publishable API key").waitFor()
    await page.getByLabel("Title").focus()
    await page.keyboard.type("Phone shop")
    await page.keyboard.press("Enter")
    await page.getByLabel("Publishable token").waitFor()
    expect(await fits()).toBe(true)

    await page.getByRole("link", { name: "Open “Phone shop”" }).focus()
    await page.keyboard.press("Enter")
    await heading("Phone shop").waitFor()
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1")
    expect(await fits()).toBe(true)
    const revoke = page.getByRole("button", { name: "Revoke key" })
    await revoke.focus()
    await page.keyboard.press("Enter")
    const dialog = page.getByRole("dialog", { name: "Revoke “Phone shop”?" })
    await dialog.waitFor()
    await page.keyboard.press("Escape")
    await dialog.waitFor({ state: "hidden" })
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Revoke key")

    // Every form control on the page has a label.
    const unlabelled = await unlabelledControls(page)
    expect(unlabelled).toEqual([])
  })
})
