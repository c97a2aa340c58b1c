import { readFileSync, unlinkSync, writeFileSync } from "node:fs"
import path from "node:path"

/** What kind of process owns the database: a server keeps it; a CLI run stops it when done. */
export type Role = "server" | "cli"

/**
 * `postgres.json` beside the cluster: how other processes of the project (the CLI next to a
 * running server) find the running server, and who is to stop it.
 */
export interface StateFile {
  url: string
  port: number
  /** The postmaster's pid while it runs, else null. */
  pid: number | null
  /** The process responsible for stopping it, else null. */
  ownerPid: number | null
  ownerRole?: Role | null
  dataDir: string
}

function stateFilePath(dataRoot: string): string {
  return path.join(dataRoot, "postgres.json")
}

export function readState(dataRoot: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(stateFilePath(dataRoot), "utf8")) as StateFile
  } catch {
    return undefined
  }
}

export function writeState(dataRoot: string, state: StateFile): void {
  writeFileSync(stateFilePath(dataRoot), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
}

export function isAlive(pid: number | null | undefined): pid is number {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false
  }
  return !isZombie(pid)
}

/** A killed process nobody has reaped yet still answers kill(pid, 0); it is dead all the same. */
function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z"
  } catch {
    return false
  }
}

/** True when `pid` is a postgres process (a recycled pid may belong to anything else). */
export function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres")
  } catch {
    // No /proc (macOS): trust that the pid is alive.
    return isAlive(pid)
  }
}

export interface Postmaster {
  pid: number
  port: number
}

/**
 * The server running on `dataDir`, from its postmaster.pid. A pid file whose process is gone
 * (a crash, a killed container) is stale: it is removed, or PostgreSQL would refuse to start.
 */
export function findPostmaster(dataDir: string, fallbackPort: number, log: (message: string) => void): Postmaster | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid")
  let lines: string[]
  try {
    lines = readFileSync(pidFile, "utf8").split("\n")
  } catch {
    return undefined
  }
  const pid = Number(lines[0])
  if (isAlive(pid) && isPostgresProcess(pid)) {
    // The port line is written a moment after the pid; a server that is still starting has
    // none yet and is assumed to use the port it was given.
    const port = Number(lines[3])
    return { pid, port: Number.isInteger(port) && port > 0 ? port : fallbackPort }
  }
  unlinkSync(pidFile)
  log(`Removed a stale postmaster.pid from ${dataDir} (process ${lines[0]} is gone)`)
  return undefined
}
