import { MedusaError } from "../framework/modules-sdk/medusa-error"
import { dbMigrate, dbRollback } from "./commands/db"
import { keysCreate, keysList, keysRevoke, keysRevokeLeaked, keysRoll } from "./commands/keys"
import { keysHistory, keysHistoryPrune } from "./commands/key-history"
import { start } from "./commands/start"
import { describeFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliContext, type CliIO } from "./io"
import { COMMAND_USAGE, usage } from "./usage"

type Command = (args: string[], ctx: CliContext) => Promise<number>

const COMMANDS: Record<string, Command> = {
  start,
  "db:migrate": dbMigrate,
  "db:rollback": dbRollback,
  "keys:create": keysCreate,
  "keys:list": keysList,
  "keys:revoke": keysRevoke,
  "keys:roll": keysRoll,
  "keys:revoke-leaked": keysRevokeLeaked,
  "keys:history": keysHistory,
  "keys:history-prune": keysHistoryPrune,
  help: async (args, ctx) => {
    const topic = args[0]
    if (topic && !COMMAND_USAGE[topic]) throw new UsageError(`Unknown command "${topic}"`)
    ctx.out(usage(topic))
    return EXIT_OK
  },
}

/** Runs one CLI invocation and returns its exit code: 0 ok, 1 failed, 2 bad arguments. */
export async function runCli(argv: string[], io: CliIO, directory = process.cwd()): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === "--help" || name === "-h") {
    ;(name ? io.out : io.info)(usage())
    return name ? EXIT_OK : EXIT_USAGE
  }
  const command = COMMANDS[name]
  try {
    if (!command) throw new UsageError(`Unknown command "${name}"`)
    if (args.includes("--help") || args.includes("-h")) {
      io.out(usage(name))
      return EXIT_OK
    }
    return await command(args, { ...io, directory })
  } catch (error) {
    if (error instanceof UsageError) {
      io.info(`Error: ${error.message}\n\n${usage(error.command)}`)
      return EXIT_USAGE
    }
    io.info(describeFailure(error))
    if (MedusaError.isMedusaError(error) && /SQLSTATE 42P01/.test(error.message)) {
      io.info("The database has no tables yet: run db:migrate first.")
    }
    return EXIT_FAILURE
  }
}
