import path from "node:path"
import { readMedusaConfig, type MedusaConfig } from "../framework/modules-sdk/app"
import { redactUrl } from "../framework/modules-sdk/database"
import { MedusaError } from "../framework/modules-sdk/medusa-error"
import { acquireEmbeddedDatabase, DEFAULT_EMBEDDED_PORT } from "./embedded-postgres"

/** The app the CLI works on: the current folder, its medusa-config.js and its database. */
export interface Project {
  directory: string
  config: MedusaConfig
}

export function loadProject(directory = process.cwd()): Project {
  return { directory: path.resolve(directory), config: readMedusaConfig(directory) }
}

export interface ProjectDatabase {
  url: string
  /** Where the URL came from, for the log line. */
  source: "DATABASE_URL" | "medusa-config.js" | "embedded"
  release(): Promise<void>
}

/** `.data` under the project, or API_KEY_DATA_DIR (tests use a temporary one). */
export function dataRoot(project: Project): string {
  return path.resolve(process.env.API_KEY_DATA_DIR || path.join(project.directory, ".data"))
}

function embeddedPort(): number {
  const raw = process.env.EMBEDDED_PG_PORT
  if (raw === undefined || raw === "") return DEFAULT_EMBEDDED_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `EMBEDDED_PG_PORT must be a port number from 1 to 65535; got "${raw}"`)
  }
  return port
}

/**
 * The database, found the same way by `start` and every other command: DATABASE_URL when set,
 * else projectConfig.databaseUrl, else the project's embedded PostgreSQL (the one running on its
 * data folder, or one started now). A server takes ownership of the embedded database; a CLI run
 * stops it afterwards only if it started it and no server has taken it over since.
 */
export async function openProjectDatabase(
  project: Project,
  role: "server" | "cli",
  log: (message: string) => void
): Promise<ProjectDatabase> {
  const fromEnv = process.env.DATABASE_URL
  if (fromEnv) return { url: fromEnv, source: "DATABASE_URL", release: async () => undefined }
  const fromConfig = project.config.projectConfig?.databaseUrl
  if (fromConfig) return { url: fromConfig, source: "medusa-config.js", release: async () => undefined }
  const embedded = await acquireEmbeddedDatabase({ dataRoot: dataRoot(project), port: embeddedPort(), log }, role)
  return { url: embedded.url, source: "embedded", release: embedded.release }
}

export function describeDatabase(db: ProjectDatabase): string {
  return `${db.source === "embedded" ? "embedded PostgreSQL at " : ""}${redactUrl(db.url)}${db.source === "embedded" ? "" : ` (from ${db.source})`}`
}
