import { randomBytes } from "node:crypto"
import { Client } from "pg"

/** A fresh database on the run's server, so test files never see each other's rows. */
export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error("DATABASE_URL is not set: run the tests through jest (globalSetup sets it)")
  return url
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(prefix = "apikey"): Promise<TestDatabase> {
  const name = `test_${prefix}_${randomBytes(6).toString("hex")}`
  await admin((c) => c.query(`create database "${name}"`))
  return {
    url: withDatabase(serverUrl(), name),
    name,
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  }
}

/** Runs SQL on a test database directly, to check what is really stored. */
export async function queryDatabase<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows as T[]
  } finally {
    await client.end()
  }
}
