import { randomBytes } from "node:crypto"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { Client } from "pg"
import { acquireEmbeddedDatabase } from "../src/cli/embedded-postgres"
import { progress } from "./stats"

export interface BenchDatabase {
  url: string
  /** The server's own database, for statements about the bench database (allow_connections …). */
  adminUrl: string
  serverVersion: string
  drop(): Promise<void>
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * A throw-away database for one run: on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL started for the run (the same one `npm start` uses when no server is configured).
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL
  let stopServer: () => Promise<void> = async () => undefined
  if (!serverUrl) {
    progress("DATABASE_URL not set: starting an embedded PostgreSQL in a temporary folder")
    const dataRoot = mkdtempSync(path.join(tmpdir(), "api-key-bench-"))
    // PostgreSQL runs as its own user when we are root; mkdtemp's folder is private to us.
    chmodSync(dataRoot, 0o755)
    const server = await acquireEmbeddedDatabase({ dataRoot, port: await freePort(), log: progress }, "cli")
    serverUrl = server.url
    stopServer = async () => {
      await server.release()
      rmSync(dataRoot, { recursive: true, force: true })
    }
  }
  const adminUrl: string = serverUrl
  const name = `bench_${randomBytes(5).toString("hex")}`
  const serverVersion = await withClient(adminUrl, async (c) => {
    await c.query(`create database "${name}"`)
    return (await c.query("show server_version")).rows[0].server_version as string
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    adminUrl,
    serverVersion,
    drop: async () => {
      await withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`))
      await stopServer()
    },
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function sql(url: string, text: string, params: unknown[] = []): Promise<any[]> {
  return withClient(url, async (c) => (await c.query(text, params)).rows)
}

/**
 * Inserts `count` secret keys without hashing each: well-formed rows with unrelated hashes and
 * digests, so the measured key is one among many. Only the measured key needs a real hash.
 */
export async function bulkInsertSecretKeys(url: string, count: number, label: string): Promise<void> {
  if (count <= 0) return
  await sql(
    url,
    `insert into api_key (id, token, salt, redacted, title, type, created_by, token_lookup)
     select 'apk_' || $2 || '_' || i, encode(sha512(($2 || i)::bytea), 'base64'), md5(i::text),
            'sk_' || substr(md5($2 || i), 1, 3) || '***' || substr(md5(i::text), 1, 3),
            'bulk ' || i, 'secret', 'bench', encode(sha256(($2 || 't' || i)::bytea), 'hex')
     from generate_series(1, $1) as i`,
    [count, label]
  )
  await sql(url, "analyze api_key")
}
