export { MedusaService } from "./medusa-service"
export type {
  CreateMethod,
  DeleteMethod,
  GeneratedMethods,
  ListAndCountMethod,
  ListMethod,
  MedusaServiceClass,
  ModelTypes,
  RetrieveMethod,
  ShortMethods,
  UpdateMethod,
  UpsertMethod,
} from "./medusa-service"
export { MedusaServiceBase } from "./service-base"
export type { KeyedChanges, ServiceDependencies } from "./service-base"
export type { FilterRule } from "./filters"
export { buildWhere } from "./filters"
export { buildFindOptions } from "./find-config"
export type { FindConfig, FindOptions } from "./find-config"
export { article, assertPlainText, isPlausibleId, isStorableDate, MAX_ID_LENGTH, normalizeIds, requireNonEmptyString } from "./input"
export { ModelRepository } from "./repository"
