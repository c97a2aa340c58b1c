import type { Context } from "../context"
import { invalid, isPlainObject } from "../errors"
import type { LinkTable, LinkRow } from "./link-table"

/**
 * Medusa's `link` service, registered in the app container: links are named by the modules and
 * keys they join, never by table, e.g.
 * `link.create({ [Modules.API_KEY]: { publishable_key_id: "apk_…" }, [Modules.SALES_CHANNEL]: { sales_channel_id: "sc_…" } })`.
 * Results come back in the same shape, so a workflow can undo a `dismiss` with `create`.
 */

/** One link: each module's key and id. */
export type LinkInput = Record<string, Record<string, string>>
/** Links of some ids on one side (or both): `{ [Modules.API_KEY]: { publishable_key_id: ["apk_1"] } }`. */
export type LinkSelector = Record<string, Record<string, string | string[]>>

function describeInput(input: unknown): string {
  return JSON.stringify(input)
}

export class Link {
  constructor(private readonly tables: LinkTable[]) {}

  /** Links the pairs not linked yet; returns those it created. */
  create(links: LinkInput | LinkInput[], sharedContext?: Context): Promise<LinkInput[]> {
    return this.perTable(links, (table, rows) => table.create(rows, sharedContext))
  }

  /** Removes exactly these links; returns those that existed. */
  dismiss(links: LinkInput | LinkInput[], sharedContext?: Context): Promise<LinkInput[]> {
    return this.perTable(links, (table, rows) => table.dismiss(rows, sharedContext))
  }

  /** Removes every link of the selected ids, in every link table that has that side. */
  async delete(selector: LinkSelector, sharedContext?: Context): Promise<LinkInput[]> {
    const removed: LinkInput[] = []
    for (const [table, filter] of this.match(selector)) removed.push(...this.toInputs(table, await table.deleteMatching(filter, sharedContext)))
    return removed
  }

  /** Links of the selected ids, oldest first. */
  async list(selector: LinkSelector, sharedContext?: Context): Promise<LinkInput[]> {
    const found: LinkInput[] = []
    for (const [table, filter] of this.match(selector)) found.push(...this.toInputs(table, await table.list(filter, sharedContext)))
    return found
  }

  /** The link table joining the given module keys, if any. */
  tableFor(sides: { serviceName: string; linkable: string }[]): LinkTable | undefined {
    return this.tables.find((table) =>
      sides.every((want) => table.definition.sides.some((side) => side.serviceName === want.serviceName && side.linkable === want.linkable))
    )
  }

  private async perTable(links: LinkInput | LinkInput[], write: (table: LinkTable, rows: LinkRow[]) => Promise<LinkRow[]>): Promise<LinkInput[]> {
    const list = Array.isArray(links) ? links : [links]
    const byTable = new Map<LinkTable, LinkRow[]>()
    for (const input of list) {
      const { table, row } = this.resolve(input)
      byTable.set(table, [...(byTable.get(table) ?? []), row])
    }
    const results: LinkInput[] = []
    for (const [table, rows] of byTable) results.push(...this.toInputs(table, await write(table, rows)))
    return results
  }

  private resolve(input: LinkInput): { table: LinkTable; row: LinkRow } {
    const entries = isPlainObject(input) ? Object.entries(input) : []
    const sides = entries.flatMap(([serviceName, keys]) =>
      isPlainObject(keys) ? Object.entries(keys).map(([linkable, id]) => ({ serviceName, linkable, id })) : []
    )
    if (entries.length !== 2 || sides.length !== 2 || sides.some((s) => typeof s.id !== "string" || s.id === "")) {
      throw invalid(`A link names two modules, each with one key and id, e.g. { apiKey: { publishable_key_id: "apk_…" }, salesChannel: { sales_channel_id: "sc_…" } }; got ${describeInput(input)}`)
    }
    const table = this.tableFor(sides)
    if (!table) throw invalid(`No link is defined between ${sides.map((s) => `${s.serviceName}.${s.linkable}`).join(" and ")}`)
    return { table, row: Object.fromEntries(sides.map((s) => [s.linkable, s.id])) }
  }

  private match(selector: LinkSelector): [LinkTable, Record<string, string[]>][] {
    if (!isPlainObject(selector)) throw invalid(`A link selector names a module, a key and ids; got ${describeInput(selector)}`)
    const matches: [LinkTable, Record<string, string[]>][] = []
    for (const table of this.tables) {
      const filter: Record<string, string[]> = {}
      for (const side of table.definition.sides) {
        const ids = (selector[side.serviceName] as Record<string, unknown> | undefined)?.[side.linkable]
        if (ids === undefined) continue
        const list = Array.isArray(ids) ? ids : [ids]
        if (list.some((id) => typeof id !== "string")) throw invalid(`${side.serviceName}.${side.linkable} must be an id or a list of ids; got ${describeInput(ids)}`)
        filter[side.linkable] = list as string[]
      }
      if (Object.keys(filter).length) matches.push([table, filter])
    }
    return matches
  }

  private toInputs(table: LinkTable, rows: LinkRow[]): LinkInput[] {
    return rows.map((row) =>
      Object.fromEntries(table.definition.sides.map((side) => [side.serviceName, { [side.linkable]: row[side.linkable] }]))
    )
  }
}
