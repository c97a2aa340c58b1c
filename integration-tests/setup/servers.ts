import { spawn, type ChildProcess } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { freePort } from "./ports"

/** A server a test starts on a port of its own (never the shared one), and stops or kills. */
export interface OwnServer {
  port: number
  url: string
  /** SIGKILL, as a crash or an outage would; resolves once the process has exited. */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  restart(): Promise<void>
  stop(): Promise<void>
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1")
      socket.once("connect", () => {
        socket.destroy()
        resolve()
      })
      socket.once("error", () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`Nothing answered on port ${port} within ${timeoutMs} ms`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

function ownServer(port: number, url: string, launch: () => ChildProcess, cleanup: () => void = () => undefined): Promise<OwnServer> {
  let child: ChildProcess | undefined
  let output = ""
  const start = async () => {
    child = launch()
    child.stdout?.on("data", (chunk) => (output += chunk))
    child.stderr?.on("data", (chunk) => (output += chunk))
    try {
      await waitForPort(port, 10_000)
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${output}`)
    }
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once("exit", resolve))
    running.kill("SIGKILL")
    await exited
  }
  return start().then(() => ({
    port,
    url,
    kill,
    restart: start,
    stop: async () => {
      await kill()
      cleanup()
    },
  }))
}

/** A redis-server of the test's own, with no persistence: killing it loses everything, as an outage would. */
export async function startOwnRedis(): Promise<OwnServer> {
  const port = await freePort()
  return ownServer(port, `redis://127.0.0.1:${port}`, () =>
    spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: ["ignore", "pipe", "pipe"] })
  )
}

/**
 * Debian's PgBouncer in transaction mode in front of the run's PostgreSQL, on a port of its own.
 * It refuses to run as root, so it runs as "postgres" then; its files live in a temp folder that
 * user can read (never in the project folder, which may sit where only root can enter).
 */
export async function startPgBouncer(serverUrl: string): Promise<OwnServer & { urlFor(database: string): string }> {
  const port = await freePort()
  const server = new URL(serverUrl)
  const user = decodeURIComponent(server.username) || "postgres"
  const dir = mkdtempSync(path.join(tmpdir(), "pgbouncer-"))
  chmodSync(dir, 0o755)
  const ini = path.join(dir, "pgbouncer.ini")
  const users = path.join(dir, "userlist.txt")
  writeFileSync(users, `"${user}" ""\n`, { mode: 0o644 })
  writeFileSync(
    ini,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${users}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      "default_pool_size = 10",
      "ignore_startup_parameters = extra_float_digits,options",
      "",
    ].join("\n"),
    { mode: 0o644 }
  )
  const asRoot = process.getuid?.() === 0
  // `-u`: PgBouncer switches to that user itself, so the process killed is PgBouncer (not a wrapper).
  const launch = () => spawn("pgbouncer", asRoot ? ["-u", "postgres", ini] : [ini], { stdio: ["ignore", "pipe", "pipe"] })
  const own = await ownServer(port, `postgres://${user}@127.0.0.1:${port}`, launch, () => rmSync(dir, { recursive: true, force: true }))
  return {
    ...own,
    urlFor: (database: string) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
  }
}
