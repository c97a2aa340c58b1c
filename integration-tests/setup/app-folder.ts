import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

/**
 * A throw-away app folder whose `src/api` holds the given files (paths relative to `src/api`,
 * e.g. "admin/things/[id]/route.js" or "middlewares.js"), as an app's own routes are laid out.
 * The caller removes it (rmSync with recursive) when done.
 */
export function writeAppApi(files: Record<string, string>, prefix = "api-key-app-"): string {
  const directory = mkdtempSync(path.join(tmpdir(), prefix))
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(directory, "src", "api", file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  return directory
}

/** A throw-away app folder holding the given files (paths relative to the app, e.g. "src/workflows/hooks/x.ts"). */
export function writeAppFiles(files: Record<string, string>, prefix = "api-key-app-"): string {
  const directory = mkdtempSync(path.join(tmpdir(), prefix))
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(directory, file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  return directory
}

/**
 * A throw-away app folder whose `src/subscribers` holds the given files (paths relative to
 * `src/subscribers`, e.g. "welcome.js"), and a medusa-config.js when `config` is given.
 */
export function writeAppSubscribers(files: Record<string, string>, config?: string, prefix = "api-key-subscribers-"): string {
  const inSubscribers = Object.fromEntries(Object.entries(files).map(([file, content]) => [path.join("src", "subscribers", file), content]))
  return writeAppFiles(config === undefined ? inSubscribers : { ...inSubscribers, "medusa-config.js": config }, prefix)
}
