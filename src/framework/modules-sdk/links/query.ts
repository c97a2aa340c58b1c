import type { Context } from "../context"
import { invalid } from "../errors"
import type { ModelDefinition } from "../model"
import type { FindConfig } from "../service"
import type { LinkSide } from "./define-link"
import type { LinkTable } from "./link-table"

/**
 * Medusa's `query`, registered in the app container: reads an entity from its module and follows
 * declared links into other modules, e.g.
 * `query.graph({ entity: "api_key", fields: ["id", "title", "sales_channels.*"], filters: { type: "publishable" } })`.
 * Each module answers for its own records (so soft-deleted records stay hidden on both sides);
 * a link is followed with one query on its table and one on the other module per relation.
 */

export interface QueryModule {
  name: string
  service: Record<string, any>
  models: ModelDefinition[]
}

export interface GraphQuery {
  entity: string
  fields?: string[]
  filters?: Record<string, unknown>
  pagination?: { skip?: number; take?: number; order?: Record<string, "ASC" | "DESC" | "asc" | "desc"> }
  withDeleted?: boolean
}

export interface GraphResult<T = Record<string, any>> {
  data: T[]
  metadata?: { count: number; skip: number; take: number | undefined }
}

interface Relation {
  table: LinkTable
  self: LinkSide
  other: LinkSide
  /** Fields of the related records; undefined: all of them. */
  fields?: string[]
}

export class Query {
  /** Each entity by its table name, model name and camelCase name; the first module to declare a name wins. */
  private readonly entities = new Map<string, { module: QueryModule; model: ModelDefinition }>()

  constructor(
    private readonly modules: QueryModule[],
    private readonly tables: LinkTable[]
  ) {
    for (const module of modules) {
      for (const model of module.models) {
        for (const name of [model.tableName, model.name, model.name.charAt(0).toLowerCase() + model.name.slice(1)]) {
          if (!this.entities.has(name)) this.entities.set(name, { module, model })
        }
      }
    }
  }

  async graph<T = Record<string, any>>(query: GraphQuery, sharedContext?: Context): Promise<GraphResult<T>> {
    const { module, model } = this.entity(query.entity)
    const { own, relations } = this.parseFields(module, model, query.fields ?? ["*"])
    const primaryKey = model.fields.primaryKey
    const config: FindConfig = {
      select: own ? [...new Set([primaryKey, ...own])] : undefined,
      skip: query.pagination?.skip,
      take: query.pagination?.take,
      order: query.pagination?.order,
      withDeleted: query.withDeleted,
    }
    const paged = query.pagination !== undefined
    const [rows, count] = paged
      ? await module.service[`listAndCount${model.pluralName}`](query.filters ?? {}, config, sharedContext)
      : [await module.service[`list${model.pluralName}`](query.filters ?? {}, config, sharedContext), 0]
    for (const relation of relations) await this.attach(rows, relation, sharedContext)
    return {
      data: rows as T[],
      ...(paged ? { metadata: { count, skip: query.pagination?.skip ?? 0, take: query.pagination?.take } } : {}),
    }
  }

  private entity(name: string): { module: QueryModule; model: ModelDefinition } {
    const found = this.entities.get(name)
    if (found) return found
    const known = this.modules.flatMap((m) => m.models.map((model) => model.tableName))
    throw invalid(`Unknown entity ${name}; query one of ${known.join(", ")}`)
  }

  /** Own fields (undefined: all) and the relations asked for as `relation.*`, `*relation` or `relation.field`. */
  private parseFields(module: QueryModule, model: ModelDefinition, fields: string[]): { own?: string[]; relations: Relation[] } {
    const own = new Set<string>()
    let all = false
    const relations = new Map<string, { relation: Relation; all: boolean; fields: string[] }>()
    for (const raw of fields) {
      const field = raw.trim()
      const [head, rest] = field.startsWith("*") && field.length > 1 ? [field.slice(1), "*"] : field.split(/\.(.*)/s)
      if (rest === undefined) {
        if (head === "*") all = true
        else own.add(head)
        continue
      }
      const entry = relations.get(head) ?? { relation: this.relation(module, model, head), all: false, fields: [] }
      if (rest === "*") entry.all = true
      else entry.fields.push(rest)
      relations.set(head, entry)
    }
    return {
      own: all || !own.size ? undefined : [...own],
      relations: [...relations.values()].map(({ relation, all, fields }) => ({ ...relation, fields: all ? undefined : fields })),
    }
  }

  private relation(module: QueryModule, model: ModelDefinition, name: string): Relation {
    for (const table of this.tables) {
      const [a, b] = table.definition.sides
      for (const [self, other] of [[a, b], [b, a]]) {
        if (self.serviceName === module.name && self.entity === model.name && other.alias === name) return { table, self, other }
      }
    }
    throw invalid(`Unknown relation ${name} of ${model.tableName}`)
  }

  private async attach(rows: Record<string, any>[], relation: Relation, sharedContext?: Context): Promise<void> {
    const { table, self, other } = relation
    const keys = [...new Set(rows.map((row) => row[self.primaryKey] as string))]
    const links = keys.length ? await table.linksOf(self.linkable, keys, sharedContext) : []
    const otherIds = [...new Set(links.map((link) => link[other.linkable]))]
    const target = this.modules.find((m) => m.name === other.serviceName)
    const otherModel = target?.models.find((m) => m.name === other.entity)
    const related = new Map<string, Record<string, unknown>>()
    if (target && otherModel && otherIds.length) {
      const select = relation.fields?.length ? [...new Set([other.primaryKey, ...relation.fields])] : undefined
      const records = await target.service[`list${otherModel.pluralName}`]({ [other.primaryKey]: otherIds }, { select }, sharedContext)
      for (const record of records) related.set(record[other.primaryKey] as string, record)
    }
    for (const row of rows) {
      // A record deleted (or soft-deleted) on the other side is left out, as if unlinked.
      const linked = links.filter((link) => link[self.linkable] === row[self.primaryKey]).flatMap((link) => related.get(link[other.linkable]) ?? [])
      row[other.alias] = other.isList ? linked : (linked[0] ?? null)
    }
  }
}
