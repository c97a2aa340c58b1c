import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { runCli } from "../../src/cli/run"
import { createTestDatabase, type TestDatabase } from "./database"

/**
 * An app folder (both modules, fast scrypt) over a fresh database, for running CLI commands in
 * this process: the commands find the database as `start` does, through DATABASE_URL, which is
 * pointed at the fixture's database until `close`.
 */
export interface CliApp {
  directory: string
  database: TestDatabase
  cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>
  close(): Promise<void>
}

export async function setupCliApp(prefix: string): Promise<CliApp> {
  const database = await createTestDatabase(prefix)
  const directory = mkdtempSync(path.join(tmpdir(), `api-key-${prefix}-`))
  writeFileSync(path.join(directory, "medusa-config.js"), `module.exports = { modules: { apiKey: { options: { scrypt: { logN: 10 } } }, salesChannel: true } }\n`)
  const serverUrl = process.env.DATABASE_URL
  process.env.DATABASE_URL = database.url
  return {
    directory,
    database,
    cli: async (...argv) => {
      const out: string[] = []
      const err: string[] = []
      const code = await runCli(argv, { out: (line) => out.push(line), info: (line) => err.push(line) }, directory)
      return { code, stdout: out.join("\n"), stderr: err.join("\n") }
    },
    close: async () => {
      process.env.DATABASE_URL = serverUrl
      await database.drop()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
