import { ModelDefinition } from "./define"
import { properties, type AnyProperty } from "./properties"

/** Medusa's data-model language: `model.define("api_key", { id: model.id({ prefix: "apk" }).primaryKey(), … })`. */
export const model = {
  define: <S extends Record<string, AnyProperty>>(name: string | { name: string; tableName: string }, schema: S) =>
    new ModelDefinition(name, schema),
  ...properties,
}

export { ModelDefinition, TIMESTAMPS } from "./define"
export type { InferDTO, InferEntity, InferFilters, ModelFields, ModelIndex, NamedProperty } from "./define"
export { PropertyBuilder } from "./properties"
export type { AnyProperty, PropertyKind, PropertyMeta } from "./properties"
