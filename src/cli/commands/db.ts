import { loadMedusaApp, revertAppMigrations, runAppMigrations, type MigrationReport } from "../../medusa-app"
import { describeStoreDefaults, ensureStoreDefaults } from "../store-defaults"
import { parseCommandArgs, parseCount } from "../args"
import { EXIT_OK, type CliContext, type CliIO } from "../io"
import { describeDatabase, loadProject, openProjectDatabase, type Project } from "../project"

function report(io: CliIO, reports: MigrationReport[], verb: string): void {
  for (const { module, migrations } of reports) {
    io.out(migrations.length ? `${module}: ${verb} ${migrations.join(", ")}` : `${module}: nothing to ${verb === "applied" ? "apply" : "revert"}`)
  }
}

async function withDatabase(ctx: CliContext, work: (project: Project, databaseUrl: string) => Promise<void>): Promise<void> {
  const project = loadProject(ctx.directory)
  const db = await openProjectDatabase(project, "cli", ctx.info)
  try {
    ctx.info(`Database: ${describeDatabase(db)}`)
    await work(project, db.url)
  } finally {
    await db.release()
  }
}

export async function dbMigrate(args: string[], ctx: CliContext): Promise<number> {
  parseCommandArgs("db:migrate", args, {})
  await withDatabase(ctx, async (project, url) => {
    report(ctx, await runAppMigrations(project.config, project.directory, url), "applied")
    // A fresh store gets Medusa's initial data: a default sales channel and publishable key.
    const app = await loadMedusaApp({ directory: project.directory, config: project.config, databaseUrl: url })
    try {
      for (const line of describeStoreDefaults(await ensureStoreDefaults(app, url))) ctx.info(line)
    } finally {
      await app.shutdown()
    }
  })
  return EXIT_OK
}

export async function dbRollback(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("db:rollback", args, { step: { type: "string" } }, Infinity)
  const step = parseCount("db:rollback", "step", values.step) ?? 1
  const only = positionals.length ? positionals : undefined
  await withDatabase(ctx, async (project, url) => report(ctx, await revertAppMigrations(project.config, project.directory, url, step, only), "reverted"))
  return EXIT_OK
}
