import type { ModelDefinition, NamedProperty } from "./model"

/**
 * What Medusa's loader, Query and links read from a module's service (`__joinerConfig()`): the
 * module's name as Medusa registers it, its entities' GraphQL types, the names Query accepts for
 * them and the keys links may store. Derived from the models, so it never drifts from them; only
 * readable fields appear (a hidden column such as a salt is never queryable).
 */
export interface JoinerConfig {
  serviceName: string
  primaryKeys: string[]
  linkableKeys: Record<string, string>
  schema: string
  alias: { name: string[]; entity: string; args: { methodSuffix: string } }[]
  idPrefixToEntityName: Record<string, string>
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

const GRAPHQL_TYPES: Record<NamedProperty["kind"], string> = {
  id: "ID",
  text: "String",
  enum: "String",
  dateTime: "DateTime",
  boolean: "Boolean",
  number: "Float",
  json: "JSON",
}

function graphQLType(model: ModelDefinition): string {
  const readable = new Set(model.fields.readable)
  const lines = model.fields.properties
    .filter((p) => readable.has(p.name))
    .map((p) => `  ${p.name}: ${p.primaryKey ? "ID" : GRAPHQL_TYPES[p.kind]}${p.nullable ? "" : "!"}`)
  return `type ${model.name} {\n${lines.join("\n")}\n}`
}

/**
 * `serviceName` is Medusa's current key for the module (`apiKey` → `api_key`, as `Modules.API_KEY`
 * is in Medusa 2.x): the name `defineConfig` files the module under, so this package replaces
 * Medusa's own api key module instead of loading beside it.
 */
export function buildJoinerConfig(name: string, models: ModelDefinition[], extraLinkableKeys: Record<string, string[]>): JoinerConfig {
  const linkableKeys: Record<string, string> = {}
  const idPrefixToEntityName: Record<string, string> = {}
  for (const model of models) {
    linkableKeys[`${snakeCase(model.name)}_${model.fields.primaryKey}`] = model.name
    for (const key of extraLinkableKeys[model.name] ?? []) linkableKeys[key] = model.name
    if (model.fields.idPrefix) idPrefixToEntityName[model.fields.idPrefix] = model.name
  }
  return {
    serviceName: snakeCase(name),
    primaryKeys: [...new Set(models.map((m) => m.fields.primaryKey))],
    linkableKeys,
    schema: models.map(graphQLType).join("\n"),
    alias: models.map((m) => ({ name: [snakeCase(m.name), snakeCase(m.pluralName)], entity: m.name, args: { methodSuffix: m.pluralName } })),
    idPrefixToEntityName,
  }
}
