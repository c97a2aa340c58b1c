import { chmodSync, existsSync, mkdirSync } from "node:fs"
import path from "node:path"
import { USER } from "./connection"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"
import { firstBlockedFolder, type PostgresUser } from "./postgres-user"

/** Where the cluster (`postgres/`), `postgres.json` and `postgres.log` live. */
export interface DataLocation {
  root: string
}

export function resolveDataLocation(requested: string, user: PostgresUser | undefined): DataLocation {
  const root = path.resolve(requested)
  const blocked = user && firstBlockedFolder(root, user)
  if (blocked) throw unreachable(blocked)
  return { root }
}

function unreachable(blocked: string): Error {
  return embeddedError(
    `The embedded database runs as the "${USER}" user, which cannot enter ${blocked}: run "chmod o+x ${blocked}", set API_KEY_DATA_DIR to a folder it can reach, ${USE_ANOTHER_SERVER}`
  )
}

export function prepareDataLocation(location: DataLocation, user: PostgresUser | undefined): void {
  const existed = existsSync(location.root)
  mkdirSync(location.root, { recursive: true })
  if (!user) return
  // A restrictive umask would otherwise lock the server out of the folder just made for it.
  if (!existed) chmodSync(location.root, 0o755)
  const blocked = firstBlockedFolder(location.root, user)
  if (blocked) throw unreachable(blocked)
}
