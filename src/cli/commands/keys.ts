import { readFileSync } from "node:fs"
import path from "node:path"
import { Modules } from "../../framework/modules-sdk/definitions"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { activeApiKeyCondition, isActiveApiKey, type ApiKeyDTO, type FilterableApiKeyProps, type IApiKeyModuleService, type LeakedTokenResult } from "../../modules/api-key"
import { parseCommandArgs, parseCount, parseDurationOption, requireOption } from "../args"
import { EXIT_OK, UsageError, type CliContext } from "../io"
import { withApp } from "./with-app"
import { rollApiKeyWorkflow } from "../../workflows/roll-api-key"
import { revokeLeakedApiKeysWorkflow } from "../../workflows/revoke-leaked-api-keys"

const KEY_TYPES = ["secret", "publishable"] as const
type KeyType = (typeof KEY_TYPES)[number]

function keyType(command: string, value: string | undefined, required: boolean): KeyType | undefined {
  if (value === undefined && !required) return undefined
  const type = requireOption(command, "type", value)
  if (!(KEY_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--type must be "secret" or "publishable"; got "${type}"`, command)
  }
  return type as KeyType
}

export async function keysCreate(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:create"
  const { values } = parseCommandArgs(command, args, {
    type: { type: "string" },
    title: { type: "string" },
    "created-by": { type: "string" },
    "expires-in": { type: "string" },
    scopes: { type: "string" },
  })
  const type = keyType(command, values.type, true)!
  const title = requireOption(command, "title", values.title)
  const createdBy = values["created-by"] ?? "cli"
  const expiresIn = parseDurationOption(command, "expires-in", values["expires-in"])
  const scopes = parseScopesOption(command, values.scopes)
  const key = await withApp(ctx, (app) =>
    app.container
      .resolve<IApiKeyModuleService>(Modules.API_KEY)
      .createApiKeys({ title, type, created_by: createdBy, ...(expiresIn ? { expires_in: expiresIn } : {}), ...(scopes ? { scopes } : {}) })
  )
  // The token alone on stdout, so `TOKEN=$(… keys:create …)` captures exactly it.
  ctx.out(key.token)
  const expires = key.expires_at ? ` It expires at ${new Date(key.expires_at).toISOString()}.` : ""
  ctx.info(
    type === "secret"
      ? `Created secret key ${key.id} (${key.redacted}).${expires} Its token is shown only this once: store it now.`
      : `Created publishable key ${key.id} (${key.redacted}).${expires}`
  )
  return EXIT_OK
}

/** `--scopes api_key:read,sales_channel:read`; the module checks each scope (and that the key is secret). */
function parseScopesOption(command: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const scopes = value.split(",").map((scope) => scope.trim()).filter(Boolean)
  if (!scopes.length) {
    throw new UsageError(`--scopes needs at least one scope, e.g. --scopes api_key:read,sales_channel:read (leave it out for full access)`, command)
  }
  return scopes
}

/** A key's scopes for the table: "*" is full access (no scopes), "-" a publishable key (scopes do not apply). */
function scopesCell(key: ApiKeyDTO): string {
  if (key.scopes) return key.scopes.join(",")
  return key.type === "secret" ? "*" : "-"
}

/** active, or the key's end: whichever of its revocation and expiry comes (or came) first. */
function status(key: ApiKeyDTO, now: Date): string {
  const revokes = key.revoked_at ? new Date(key.revoked_at) : null
  const expires = key.expires_at ? new Date(key.expires_at) : null
  if (!revokes && !expires) return "active"
  const [word, at] = revokes && (!expires || revokes <= expires) ? ["revoke", revokes] : ["expire", expires!]
  return `${word}${isActiveApiKey(key, now) ? "s" : "d"} ${at.toISOString()}`
}

export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)))
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join("  ").trimEnd())
}

export async function keysList(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:list"
  const { values } = parseCommandArgs(command, args, { type: { type: "string" }, json: { type: "boolean" }, expiring: { type: "string" } })
  const type = keyType(command, values.type, false)
  const expiring = parseDurationOption(command, "expiring", values.expiring)
  const filters: FilterableApiKeyProps[] = type ? [{ type }] : []
  if (expiring) {
    // Active keys whose expiry falls within the window, soonest first.
    const now = new Date()
    filters.push(activeApiKeyCondition(now), { expires_at: { $lte: new Date(now.getTime() + expiring * 1000) } })
  }
  const keys = await withApp(ctx, (app) =>
    app.container
      .resolve<IApiKeyModuleService>(Modules.API_KEY)
      .listApiKeys(filters.length ? { $and: filters } : {}, { order: expiring ? { expires_at: "ASC" } : { created_at: "ASC" } })
  )
  if (values.json) {
    // The service already blanks secret tokens; publishable tokens are public by design.
    ctx.out(JSON.stringify(keys, null, 2))
    return EXIT_OK
  }
  if (!keys.length) {
    ctx.info(expiring ? `No active key expires within ${values.expiring}` : "No api keys yet: create one with keys:create --type secret --title NAME")
    return EXIT_OK
  }
  const now = new Date()
  // The SCOPES column only once some key has scopes: until then the table reads as it always has.
  const withScopes = keys.some((key) => key.scopes)
  const rows = [["ID", "TYPE", "TITLE", "TOKEN", "STATUS", "CREATED BY", "CREATED AT", ...(withScopes ? ["SCOPES"] : [])]]
  for (const key of keys) {
    const row = [key.id, key.type, key.title, key.redacted, status(key, now), key.created_by, new Date(key.created_at).toISOString()]
    rows.push(withScopes ? [...row, scopesCell(key)] : row)
  }
  for (const line of table(rows)) ctx.out(line)
  return EXIT_OK
}

export async function keysRevoke(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:revoke"
  const { values, positionals } = parseCommandArgs(
    command,
    args,
    { "revoke-in": { type: "string" }, "revoked-by": { type: "string" } },
    1
  )
  const id = positionals[0]
  if (!id) throw new UsageError("The id of the key to revoke is required (keys:list shows the ids)", command)
  const revokeIn = parseCount(command, "revoke-in", values["revoke-in"])
  const key = await withApp(ctx, (app) =>
    app.container
      .resolve<IApiKeyModuleService>(Modules.API_KEY)
      .revoke(id, { revoked_by: values["revoked-by"] ?? "cli", revoke_in: revokeIn })
  )
  const at = new Date(key.revoked_at!).toISOString()
  ctx.out(revokeIn ? `${key.id} revokes at ${at}` : `${key.id} revoked at ${at}`)
  return EXIT_OK
}

export async function keysRoll(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:roll"
  const { values, positionals } = parseCommandArgs(command, args, { "revoke-in": { type: "string" }, "revoked-by": { type: "string" } }, 1)
  const id = positionals[0]
  if (!id) throw new UsageError("The id of the key to roll is required (keys:list shows the ids)", command)
  const revokeIn = parseCount(command, "revoke-in", values["revoke-in"])
  const actor = values["revoked-by"] ?? "cli"
  const { result: successor } = await withApp(ctx, (app) =>
    rollApiKeyWorkflow(app.container).run({ input: { id, revoke_in: revokeIn, revoked_by: actor }, context: { actor } })
  )
  // Like keys:create: the new token alone on stdout, so scripts can capture it.
  ctx.info(
    `Rolled ${id} into ${successor.id} (${successor.redacted}); ${revokeIn ? `the old key works for ${revokeIn} more seconds` : "the old key is revoked"}`
  )
  ctx.out(successor.token)
  return EXIT_OK
}

/**
 * A self-hosted scanner's findings: one token per line (blank lines and `#` comments skipped), or
 * the JSON array GitHub's secret scanning sends. Error messages never quote the file's content.
 */
function readLeakReport(file: string): unknown[] {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (error) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`)
  }
  if (!text.trimStart().startsWith("[")) {
    return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"))
  }
  try {
    return JSON.parse(text)
  } catch {
    // JSON.parse's own message quotes the text around the error, which may be a token.
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `${file} starts with "[" but is not valid JSON: give one token per line, or a JSON array of { token, type?, url?, source? }`)
  }
}

export async function keysRevokeLeaked(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:revoke-leaked"
  const { positionals } = parseCommandArgs(command, args, {}, 1)
  if (!positionals[0]) throw new UsageError("The file of leaked tokens is required", command)
  const reports = readLeakReport(path.resolve(ctx.directory, positionals[0]))
  const { result } = await withApp(ctx, (app) =>
    revokeLeakedApiKeysWorkflow(app.container).run({ input: { reports: reports as string[] }, context: { actor: "secret-scanning" } })
  )
  // Counts and key ids only: never a token.
  const ids = (outcome: LeakedTokenResult["outcome"]) => [...new Set(result.filter((r) => r.outcome === outcome).map((r) => r.api_key_id!))]
  const count = (outcome: LeakedTokenResult["outcome"]) => result.filter((r) => r.outcome === outcome).length
  const listed = (found: string[]) => (found.length ? ` (${found.join(", ")})` : "")
  ctx.out(`revoked secret keys: ${ids("revoked").length}${listed(ids("revoked"))}`)
  ctx.out(`publishable keys, not revoked (public by design): ${ids("publishable").length}${listed(ids("publishable"))}`)
  ctx.out(`tokens of no active key: ${count("no_active_key")}`)
  ctx.out(`malformed tokens: ${count("malformed")}`)
  return EXIT_OK
}
