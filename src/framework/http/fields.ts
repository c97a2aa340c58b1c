import type { ModelDefinition } from "../modules-sdk/model"
import { MedusaError } from "../modules-sdk/medusa-error"

/**
 * Medusa's `fields` query parameter, as Query fields for any model:
 * - none → the route's defaults: every readable field and the default relations;
 * - `fields=a,b` → exactly those (and `id`);
 * - `+a` / `-a` → the defaults plus or minus a field (or a relation);
 * - `*rel`, `rel.*` or a relation's bare name → the relation with all its fields, and `rel.f` one
 *   field of it — added to the selection the rest of the parameter makes.
 * Unknown fields and relations are refused with invalid_data naming them.
 */
export interface FieldsSpec {
  model: ModelDefinition
  /** Relations Query can follow from this entity (declared links whose other module the app runs). */
  relations: string[]
  /** Relations included when `fields` does not narrow the selection. */
  defaultRelations?: string[]
}

function unknownFields(names: string[], spec: FieldsSpec): MedusaError {
  const known = [...spec.model.fields.readable, ...spec.relations]
  return new MedusaError(MedusaError.Types.INVALID_DATA, `Unknown field ${names.map((n) => `'${n}'`).join(", ")} in fields; use any of ${known.join(", ")}`)
}

/** Each spec's defaults (no `fields` given), computed once per model and relation list. */
const defaultsByModel = new WeakMap<ModelDefinition, Map<string, readonly string[]>>()

function defaultFields(spec: FieldsSpec): readonly string[] {
  let byRelations = defaultsByModel.get(spec.model)
  if (!byRelations) {
    byRelations = new Map()
    defaultsByModel.set(spec.model, byRelations)
  }
  const key = `${spec.relations.join(",")}|${(spec.defaultRelations ?? []).join(",")}`
  let defaults = byRelations.get(key)
  if (!defaults) {
    defaults = resolveFields(undefined, spec)
    byRelations.set(key, defaults)
  }
  return defaults
}

export function queryFields(fields: string | undefined, spec: FieldsSpec): string[] {
  // Most requests name no fields: their answer is the same every time.
  return fields === undefined || fields === "" ? [...defaultFields(spec)] : resolveFields(fields, spec)
}

function resolveFields(fields: string | undefined, spec: FieldsSpec): string[] {
  const readable = spec.model.fields.readable
  const primaryKey = spec.model.fields.primaryKey
  const explicit = new Set<string>()
  const added = new Set<string>()
  const removed = new Set<string>()
  const relations = new Map<string, Set<string> | "all">()
  const removedRelations = new Set<string>()
  const unknown: string[] = []
  let additive = false

  for (const raw of (fields ?? "").split(",").map((f) => f.trim()).filter(Boolean)) {
    const sign = raw[0] === "+" || raw[0] === "-" ? raw[0] : ""
    const body = raw.slice(sign.length)
    const [relation, relationField] = body.startsWith("*") ? [body.slice(1), "*"] : body.includes(".") ? [body.slice(0, body.indexOf(".")), body.slice(body.indexOf(".") + 1)] : spec.relations.includes(body) ? [body, "*"] : [undefined, undefined]
    if (relation !== undefined) {
      if (!spec.relations.includes(relation)) {
        unknown.push(relation)
        continue
      }
      if (sign === "-") removedRelations.add(relation)
      else if (relationField === "*") relations.set(relation, "all")
      else {
        const current = relations.get(relation)
        if (current !== "all") relations.set(relation, new Set([...(current ?? []), relationField!]))
      }
      continue
    }
    if (!readable.includes(body)) {
      unknown.push(body)
      continue
    }
    if (sign === "-") removed.add(body)
    else if (sign === "+") {
      added.add(body)
      additive = true
    } else explicit.add(body)
  }
  if (unknown.length) throw unknownFields(unknown, spec)

  const useDefaults = additive || explicit.size === 0
  const own = (useDefaults ? readable : [primaryKey, ...explicit]).filter((f) => f === primaryKey || !removed.has(f))
  for (const relation of useDefaults ? (spec.defaultRelations ?? []) : []) {
    if (!relations.has(relation)) relations.set(relation, "all")
  }
  for (const relation of removedRelations) relations.delete(relation)
  const ownFields = useDefaults && own.length === readable.length ? ["*"] : [...new Set(own)]
  const relationFields = [...relations].flatMap(([relation, wanted]) => (wanted === "all" ? [`${relation}.*`] : [...wanted].map((f) => `${relation}.${f}`)))
  return [...ownFields, ...relationFields]
}
