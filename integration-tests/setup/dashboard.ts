import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { once } from "node:events"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Browser, BrowserContext, Page } from "playwright-core"
import Medusa from "../../src/sdk"
import { collectPageErrors, launchChromium, unexpectedErrors } from "./browser"
import { setupHttpApp, type HttpFixture, type HttpFixtureOptions } from "./http"

const ROOT = path.resolve(__dirname, "..", "..")

/**
 * Builds the dashboard from its sources with vite's own CLI (vite is ESM-only; jest runs
 * CommonJS) into a fresh temp folder. A test builds its own copy, about a second's work: it then
 * always drives the current sources, and never races `npm run build` or the CLI suite, which
 * clear dist/.
 */
export function buildDashboard(): { directory: string; remove(): void } {
  const directory = mkdtempSync(path.join(tmpdir(), "api-key-dashboard-"))
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js")
  const build = spawnSync(process.execPath, [vite, "build", "--config", path.join(ROOT, "dashboard", "vite.config.mts"), "--outDir", directory, "--logLevel", "warn"], {
    cwd: ROOT,
    encoding: "utf8",
  })
  if (build.status !== 0 || !existsSync(path.join(directory, "index.html"))) {
    throw new Error(`vite build of the dashboard failed (exit ${build.status}):\n${build.stdout}${build.stderr}`)
  }
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) }
}

export interface DashboardServer {
  fx: HttpFixture
  /** The dashboard build it serves. */
  dashboardDirectory: string
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string
  close(): Promise<void>
}

/** The package's server with a freshly built dashboard, listening on a free port of 127.0.0.1. */
export async function serveDashboard(options: HttpFixtureOptions = {}): Promise<DashboardServer> {
  const build = buildDashboard()
  const fx = await setupHttpApp({ ...options, dashboard: { directory: build.directory } })
  const server: Server = fx.app.listen(0, "127.0.0.1")
  await once(server, "listening")
  return {
    fx,
    dashboardDirectory: build.directory,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await fx.close()
      build.remove()
    },
  }
}

export interface DashboardSessionOptions {
  /** Options of the server under test (e.g. the api key module's). */
  server?: HttpFixtureOptions
  viewport: { width: number; height: number }
  /** Lets the page read and write the clipboard (the copy button). */
  clipboard?: boolean
}

/** What a dashboard suite drives: filled in by the hooks useDashboardSession registers. */
export interface DashboardSession {
  server: DashboardServer
  /** An SDK signed in with the server's admin key, to set up and check state beside the browser. */
  admin: Medusa
  page: Page
  /** Failed responses the current test provokes on purpose (Chromium logs each as a console error). */
  expectStatuses(...statuses: number[]): void
}

/**
 * The set-up every dashboard suite shares: one server and one headless Chromium for the file, a
 * fresh browser context (fresh session storage) per test, and a test fails on any console error
 * or page exception it did not provoke. Call it at the top of the file, before other hooks.
 */
export function useDashboardSession(options: DashboardSessionOptions): DashboardSession {
  const session = {} as DashboardSession
  let browser: Browser | undefined
  let context: BrowserContext | undefined
  let errors: string[] = []
  let expected: number[] = []
  session.expectStatuses = (...statuses) => {
    expected = statuses
  }
  beforeAll(async () => {
    let server: DashboardServer
    ;[server, browser] = await Promise.all([serveDashboard(options.server), launchChromium()])
    session.server = server
    session.admin = new Medusa({ baseUrl: server.baseUrl, apiKey: server.fx.adminToken })
  })
  afterAll(async () => {
    await browser?.close()
    await session.server?.close()
  })
  beforeEach(async () => {
    context = await browser!.newContext({ viewport: options.viewport })
    if (options.clipboard) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: session.server.baseUrl })
    session.page = await context.newPage()
    errors = collectPageErrors(session.page)
    expected = []
  })
  afterEach(async () => {
    await context?.close()
    expect(unexpectedErrors(errors, expected)).toEqual([])
  })
  return session
}
