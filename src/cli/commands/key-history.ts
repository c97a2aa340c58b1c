import { Modules } from "../../framework/modules-sdk/definitions"
import type { ApiKeyHistoryDTO, IApiKeyModuleService } from "../../modules/api-key"
import { parseCommandArgs, parseCount, parseDurationOption, requireOption } from "../args"
import { EXIT_OK, UsageError, type CliContext } from "../io"
import { table } from "./keys"
import { withApp } from "./with-app"

const DEFAULT_LIMIT = 50

type Data = Record<string, any>
const at = (value: unknown) => (typeof value === "string" ? value : "?")

/** One line of what an entry changed, per action; nothing in `data` is secret. */
function describeEntry(entry: ApiKeyHistoryDTO): string {
  const data = (entry.data ?? {}) as Data
  const previous = data.previous_revoked_at ? ` (was scheduled for ${at(data.previous_revoked_at)})` : ""
  switch (entry.action) {
    case "created":
      return `${data.type} key "${data.title}" ${data.redacted}, created by ${data.created_by}${data.expires_at ? `, expires ${at(data.expires_at)}` : ""}`
    case "title_changed":
      return `title "${data.title?.from}" → "${data.title?.to}"`
    case "revoked":
      return `revoked at ${at(data.revoked_at)}${previous}`
    case "revocation_scheduled":
      return `revokes at ${at(data.revoked_at)}${data.revoke_in ? ` (in ${data.revoke_in} s)` : ""}${previous}`
    case "rolled":
      return `rolled into ${data.successor_id}; ${data.revoke_in ? "revokes" : "revoked"} at ${at(data.revoked_at)}`
    case "deleted":
      return `deleted ${data.type} key "${data.title}" ${data.redacted}`
    case "first_used":
      return `first used at ${at(data.last_used_at)}`
    default:
      return Object.keys(data).length ? JSON.stringify(data) : ""
  }
}

/** keys:history ID: the key's lifecycle, newest first (a deleted key's too). */
export async function keysHistory(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:history"
  const { values, positionals } = parseCommandArgs(command, args, { json: { type: "boolean" }, limit: { type: "string" } }, 1)
  const id = positionals[0]
  if (!id) throw new UsageError("The id of the key is required (keys:list shows the ids)", command)
  const limit = parseCount(command, "limit", values.limit) ?? DEFAULT_LIMIT
  const [entries, count] = await withApp(ctx, async (app) => {
    const service = app.container.resolve<IApiKeyModuleService>(Modules.API_KEY)
    const found = await service.listAndCountApiKeyHistory({ api_key_id: id }, { take: limit })
    // No history and no key (deleted or not): the module's not-found error, as keys:revoke reports it.
    if (found[1] === 0) await service.retrieveApiKey(id, { select: ["id"], withDeleted: true })
    return found
  })
  if (values.json) {
    ctx.out(JSON.stringify(entries, null, 2))
    return EXIT_OK
  }
  if (!count) {
    ctx.info(`No history recorded for ${id} (keys created before the history existed have none)`)
    return EXIT_OK
  }
  const rows = [["AT", "ACTION", "ACTOR", "DETAILS"]]
  for (const entry of entries) rows.push([new Date(entry.created_at).toISOString(), entry.action, entry.actor ?? "-", describeEntry(entry)])
  for (const line of table(rows)) ctx.out(line)
  if (count > entries.length) ctx.info(`Showing the newest ${entries.length} of ${count} entries; --limit ${count} shows all`)
  return EXIT_OK
}

/** keys:history-prune --older-than 90d: the history's retention (entries are kept until pruned). */
export async function keysHistoryPrune(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys:history-prune"
  const { values } = parseCommandArgs(command, args, { "older-than": { type: "string" } })
  const before = new Date(Date.now() - parseDurationOption(command, "older-than", requireOption(command, "older-than", values["older-than"]), true)! * 1000)
  const deleted = await withApp(ctx, (app) =>
    app.container.resolve<IApiKeyModuleService>(Modules.API_KEY).pruneApiKeyHistory({ older_than: before })
  )
  ctx.out(`Deleted ${deleted} history ${deleted === 1 ? "entry" : "entries"} recorded before ${before.toISOString()}`)
  return EXIT_OK
}
