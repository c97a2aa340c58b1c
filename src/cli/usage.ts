/** The CLI's help text; `help <command>` prints one command's part. */
export const COMMAND_USAGE: Record<string, string> = {
  start: `start [--port N]
    Run migrations, then serve the API (PORT or 9000). Uses DATABASE_URL, else
    projectConfig.databaseUrl, else an embedded PostgreSQL under .data/ (EMBEDDED_PG_PORT or 54329).
    SIGTERM / Ctrl-C finish in-flight requests, stop the database and exit 0.`,
  "db:migrate": `db:migrate
    Apply the pending migrations of every module in medusa-config.js.`,
  "db:rollback": `db:rollback [MODULE ...] [--step N]
    Revert the newest N migrations (default 1; 0 reverts all) of every module, or of the modules
    named (apiKey or api_key, salesChannel or sales_channel, links). Back to Medusa's own api key
    module: db:rollback api_key (see README).`,
  "keys:create": `keys:create --type secret|publishable --title TITLE [--created-by ACTOR] [--expires-in AGE] [--scopes SCOPE,...]
    Create a key, expiring AGE from now if given (e.g. 30d, 12h, 15m, 90s). Its token is printed
    once, alone on stdout:
      TOKEN=$(medusa-api-key keys:create --type secret --title admin)
    --scopes limits a secret key, e.g. api_key:read,sales_channel:read (default: full access).`,
  "keys:list": `keys:list [--type secret|publishable] [--expiring AGE] [--json]
    List keys (redacted; secret tokens are never shown) with their status (active, or when they
    expire or are revoked), and their scopes once any key has some. --expiring 7d: only active
    keys that expire within the next 7 days.`,
  "keys:revoke": `keys:revoke ID [--revoke-in SECONDS] [--revoked-by ACTOR]
    Revoke a key now, or SECONDS from now.`,
  "keys:roll": `keys:roll ID [--revoke-in SECONDS] [--revoked-by ACTOR]
    Create a successor (same title, type, creator and sales channels), then revoke ID now or
    SECONDS from now. The new token is printed once, alone on stdout.`,
  "keys:revoke-leaked": `keys:revoke-leaked FILE
    Revoke at once the active secret keys of leaked tokens (revoked_by "secret-scanning"), as
    POST /hooks/secret-scanning does: FILE has one token per line, or GitHub's JSON array of
    { token, type, url, source }. Publishable keys are reported, never revoked. Prints counts and
    key ids, never a token.`,
  "keys:history": `keys:history ID [--limit N] [--json]
    The key's history, newest first: created, title changed, revoked or scheduled, rolled,
    deleted, restored, first used — with actor and time (default the newest 50 entries).`,
  "keys:history-prune": `keys:history-prune --older-than AGE
    Delete history entries older than AGE (e.g. 90d, 12h, 30m; units s m h d). History is kept
    until pruned.`,
  help: `help [COMMAND]
    Show this help.`,
}

export function usage(command?: string): string {
  if (command && COMMAND_USAGE[command]) return `Usage: medusa-api-key ${COMMAND_USAGE[command]}`
  return [
    "Usage: medusa-api-key <command> [options]   (npm run cli -- <command> [options])",
    "",
    "Commands:",
    ...Object.values(COMMAND_USAGE).map((text) => `  ${text.replace(/\n/g, "\n  ")}`),
    "",
    "Run it in the project folder (the one with medusa-config.js).",
  ].join("\n")
}
