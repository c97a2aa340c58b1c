import { createHash } from "node:crypto"
import { chmodSync, existsSync, lstatSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { USER } from "./connection"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"
import { firstBlockedFolder, type PostgresUser } from "./postgres-user"

/** Where the cluster (`postgres/`), `postgres.json`, `postgres.log` and any copied binaries live. */
export interface DataLocation {
  root: string
  /** Why the data is not in the requested folder, when it is not. */
  movedBecause?: string
}

/** The folder the project's data moves to: its name depends on the requested folder's path alone. */
function relocatedRoot(requested: string): string {
  const digest = createHash("sha256").update(path.resolve(requested)).digest("hex").slice(0, 12)
  return path.join(tmpdir(), `medusa-api-key-${digest}`)
}

/** API_KEY_DATA_DIR is used as given: a folder picked on purpose is never swapped for another. */
function pickedByUser(root: string): boolean {
  const picked = process.env.API_KEY_DATA_DIR
  return !!picked && path.resolve(picked) === root
}

/**
 * The requested folder, unless the server's user cannot reach it (a project inside a folder
 * only root may enter, such as one made by `mktemp -d`): then a folder of the project's own
 * under the system temp folder. Its name is derived from the requested path only, so every
 * process of the project (a server, the CLI beside it) finds the same one and its postgres.json.
 */
export function resolveDataLocation(requested: string, user: PostgresUser | undefined): DataLocation {
  const root = path.resolve(requested)
  const blocked = user && firstBlockedFolder(root, user)
  if (!blocked) return { root }
  if (pickedByUser(root)) throw unreachable(blocked)
  return { root: relocatedRoot(root), movedBecause: `the "${USER}" user the database runs as cannot enter ${blocked}` }
}

function unreachable(blocked: string): Error {
  return embeddedError(
    `The embedded database runs as the "${USER}" user, which cannot enter ${blocked}: run "chmod o+x ${blocked}", set API_KEY_DATA_DIR to a folder it can reach, ${USE_ANOTHER_SERVER}`
  )
}

export function prepareDataLocation(location: DataLocation, user: PostgresUser | undefined): void {
  if (location.movedBecause) return prepareRelocatedRoot(location.root, user)
  const existed = existsSync(location.root)
  mkdirSync(location.root, { recursive: true })
  if (!user) return
  // A restrictive umask would otherwise lock the server out of the folder just made for it.
  if (!existed) chmodSync(location.root, 0o755)
  const blocked = firstBlockedFolder(location.root, user)
  if (blocked) throw unreachable(blocked)
}

/**
 * The temp folder is shared with every user and the folder's name is predictable, so a folder
 * someone else made (or a symlink) under that name is refused rather than trusted with the
 * database and the binaries the server will run.
 */
function prepareRelocatedRoot(root: string, user: PostgresUser | undefined): void {
  try {
    mkdirSync(root, { mode: 0o755 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
  }
  const stat = lstatSync(root)
  if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
    throw embeddedError(`${root} is not a folder that only this user owns and may write: remove it, set API_KEY_DATA_DIR to a folder the "${USER}" user can reach, ${USE_ANOTHER_SERVER}`)
  }
  // Root-owned and not writable by others; the server only needs to pass through it.
  chmodSync(root, 0o755)
  const blocked = user && firstBlockedFolder(root, user)
  if (blocked) throw unreachable(blocked)
}
