import { existsSync } from "node:fs"
import { chromium, type Browser, type Page } from "playwright-core"

/**
 * Debian's Chromium driven by playwright-core (which downloads no browser of its own). `.ci/run`
 * installs the `chromium` package when it is missing.
 */
export const CHROMIUM_PATH = "/usr/bin/chromium"

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium), as .ci/run does`)
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/**
 * Every console error and uncaught exception of a page, as text. Chromium also reports each
 * failed HTTP response as a console error ("Failed to load resource: … status of 401"), so a
 * test that provokes one on purpose says which; anything else fails the test.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`)
  })
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`))
  return errors
}

/** The errors left once the expected failed responses (statuses, e.g. [401]) are taken out. */
export function unexpectedErrors(errors: string[], expectedStatuses: number[] = []): string[] {
  return errors.filter((line) => !expectedStatuses.some((status) => line.includes(`Failed to load resource: the server responded with a status of ${status}`)))
}

// Code passed to page.evaluate runs in the browser, with its globals (this Node program's types have none).
declare const document: any

/** Form controls of the page (outside closed dialogs) that have no accessible name, as HTML. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from<any>(document.querySelectorAll("input, select, textarea, button"))
      .filter((control) => !control.closest("dialog:not([open])"))
      .filter((control) => {
        const name = control.labels?.length ? control.labels[0].textContent : (control.getAttribute("aria-label") ?? control.textContent)
        return !name?.trim()
      })
      .map((control) => control.outerHTML as string)
  )
}
