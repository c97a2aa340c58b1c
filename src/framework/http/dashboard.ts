import { existsSync } from "node:fs"
import path from "node:path"
import express, { Router, type Response } from "express"
import { MedusaError } from "../modules-sdk/medusa-error"

/** Where the admin dashboard is served, as Medusa's `admin.path` default. */
export const DASHBOARD_PATH = "/app"

export interface DashboardOptions {
  /** The built dashboard (`vite build` output: index.html and assets/). */
  directory: string
}

/**
 * The built dashboard only talks to this server: the policy makes the browser refuse anything
 * else (a CDN font, an injected script), and the page cannot be framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ")

function pageHeaders(res: Response): void {
  res.set({
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    // index.html names the hashed assets of the current build: always ask again.
    "Cache-Control": "no-cache",
  })
}

/** Whether `directory` holds a built dashboard. */
export function isDashboardBuilt(directory: string): boolean {
  return existsSync(path.join(directory, "index.html"))
}

const NOT_BUILT = `The dashboard is not built: run "npm run build" (it writes dist/dashboard), then restart the server`

/**
 * `GET /` and the dashboard at /app. Under /app: the hashed assets as static files, and
 * index.html for every other path so the page's own router handles deep links and reloads (a
 * missing asset is a 404, never the HTML page). Without a build, /app answers 404 saying how to
 * make one. `/` is a short page linking to the dashboard, so a person who opens the server's
 * address finds it. Mounted after the app's routes: an app's own `/` or `/app/...` route wins.
 */
export function dashboardRouter(options: DashboardOptions | undefined): { router: Router; served: boolean } {
  const router = Router()
  const served = options !== undefined && isDashboardBuilt(options.directory)
  router.get("/", (_req, res) => {
    pageHeaders(res)
    res.type("html").send(homePage(served))
  })
  if (!served) {
    router.use(DASHBOARD_PATH, () => {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, NOT_BUILT)
    })
    return { router, served }
  }
  const { directory } = options
  router.use(
    `${DASHBOARD_PATH}/assets`,
    express.static(path.join(directory, "assets"), { immutable: true, maxAge: "1y", index: false, fallthrough: false })
  )
  router.use(DASHBOARD_PATH, express.static(directory, { index: false, redirect: false }))
  router.get([DASHBOARD_PATH, `${DASHBOARD_PATH}/*path`], (_req, res) => {
    pageHeaders(res)
    res.sendFile(path.join(directory, "index.html"))
  })
  return { router, served }
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string)

function homePage(built: boolean): string {
  const body = built
    ? `<p><a href="${DASHBOARD_PATH}/">Open the admin dashboard</a> to manage publishable and secret API keys.</p>`
    : `<p>${escapeHtml(NOT_BUILT)}.</p>`
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>API key server</title></head>
<body>
<h1>API key server</h1>
${body}
<p>Health: <a href="/health">/health</a>. Admin API: <code>/admin/api-keys</code> (a secret key is required).</p>
</body>
</html>
`
}
