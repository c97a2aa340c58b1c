import { model, type ModelDefinition } from "../model"
import type { LinkableField } from "../module"

/**
 * `defineLink(ApiKeyModule.linkable.apiKey.publishable_key_id, { linkable: SalesChannelModule.linkable.salesChannel, isList: true })`:
 * a relation between entities of two modules, kept in a table of its own so neither module knows
 * of the other. Query follows it in both directions; `link.create` / `link.dismiss` write it.
 */

export interface LinkSideInput {
  linkable: LinkableField
  /** Whether the other side sees a list of these (one key → many channels). */
  isList?: boolean
  /** The relation name under which the other side reaches these (default: the entity's snake name, plural when a list). */
  alias?: string
}

export interface LinkSide extends LinkableField {
  isList: boolean
  alias: string
}

export interface LinkDefinition {
  sides: [LinkSide, LinkSide]
  tableName: string
  /** The link table as a model: an id, one column per side, Medusa's timestamps. */
  model: ModelDefinition
}

export interface DefineLinkOptions {
  database?: { table?: string; idPrefix?: string }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

function toSide(input: LinkableField | LinkSideInput): LinkSide {
  const side = "linkable" in input && typeof input.linkable === "object" ? (input as LinkSideInput) : { linkable: input as LinkableField }
  const { serviceName, field, linkable, primaryKey, entity } = side.linkable
  const isList = !!side.isList
  const name = snakeCase(entity)
  return { serviceName, field, linkable, primaryKey, entity, isList, alias: side.alias ?? (isList ? `${name}s` : name) }
}

export function defineLink(left: LinkableField | LinkSideInput, right: LinkableField | LinkSideInput, options: DefineLinkOptions = {}): LinkDefinition {
  const sides: [LinkSide, LinkSide] = [toSide(left), toSide(right)]
  if (sides[0].linkable === sides[1].linkable) throw new Error(`defineLink: both sides store ${sides[0].linkable}; link two different keys`)
  const tableName = options.database?.table ?? `${snakeCase(sides[0].entity)}_${snakeCase(sides[1].entity)}`
  const [a, b] = sides.map((s) => s.linkable)
  const linkModel = model
    .define({ name: `Link_${tableName}`, tableName }, {
      id: model.id({ prefix: options.database?.idPrefix ?? "link" }).primaryKey(),
      [a]: model.text(),
      [b]: model.text(),
    })
    .indexes([
      { name: `IDX_${tableName}_unique`, on: [a, b], unique: true, where: `"deleted_at" is null` },
      { name: `IDX_${tableName}_${a}`, on: [a] },
      { name: `IDX_${tableName}_${b}`, on: [b] },
    ])
  return { sides, tableName, model: linkModel }
}
