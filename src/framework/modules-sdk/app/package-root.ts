import { existsSync, realpathSync } from "node:fs"
import path from "node:path"

/** The nearest folder at or above `from` that holds a package.json. */
export function findPackageRoot(from: string): string {
  let dir = from
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

/** Whether two paths name the same folder (links resolved); false when either is missing. */
export function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b)
  } catch {
    return false
  }
}
