import { loadMedusaApp, runAppMigrations, type MedusaApp } from "../../medusa-app"
import type { CliContext } from "../io"
import { loadProject, openProjectDatabase } from "../project"

/**
 * Runs `work` with the project's app loaded on its database (found as `start` finds it), then
 * shuts the app down (subscribers of the local event bus finish first) and releases the database. The embedded database is the project's own, so
 * its pending migrations are applied first; an external one is left for db:migrate.
 */
export async function withApp<T>(ctx: CliContext, work: (app: MedusaApp) => Promise<T>): Promise<T> {
  const project = loadProject(ctx.directory)
  const db = await openProjectDatabase(project, "cli", ctx.info)
  try {
    if (db.source === "embedded") {
      await runAppMigrations(project.config, project.directory, db.url)
    }
    // A command emits its events (a key it creates) but takes no deliveries from a Redis event
    // bus: the servers do, and the command may exit at any moment.
    const app = await loadMedusaApp({ directory: project.directory, config: project.config, databaseUrl: db.url, workerMode: "server" })
    try {
      return await work(app)
    } finally {
      await app.shutdown()
    }
  } finally {
    await db.release()
  }
}
