import { Modules } from "./modules-sdk/definitions"
import { createModuleEntry } from "./modules-sdk/module-entry"
import { ApiKeyModuleService } from "./services/api-key-module-service"
import { connectionLoader, apiKeyOrmConfig } from "./loaders/connection"
import { containerLoader } from "./loaders/container"
import { normalizeApiKeyModuleOptions } from "./loaders/options"
import type { ApiKeyModuleOptions } from "./types/options"

const entry = createModuleEntry<ApiKeyModuleService, ApiKeyModuleOptions, ReturnType<typeof normalizeApiKeyModuleOptions>>(Modules.API_KEY, {
  service: ApiKeyModuleService,
  loaders: [connectionLoader, containerLoader],
  normalizeOptions: normalizeApiKeyModuleOptions,
  ormConfig: apiKeyOrmConfig,
})

const apiKeyModule = entry.definition
const { initialize, runMigrations, revertMigration } = entry

export default apiKeyModule
export { apiKeyModule, initialize, runMigrations, revertMigration }
export { Module } from "./modules-sdk/module"
export { ApiKeyModuleService } from "./services/api-key-module-service"
export { ApiKey, ApiKeyType, ApiKeySchema } from "./models/api-key"
export { Modules, ModuleRegistrationName } from "./modules-sdk/definitions"
export { MedusaError } from "./modules-sdk/medusa-error"
export { loadMedusaApp } from "./modules-sdk/load-app"
export type { MedusaApp, LoadMedusaAppOptions } from "./modules-sdk/load-app"
export type { Context } from "./modules-sdk/context"
export type { AuthCacheOption, LastUsedAtOption, ScryptQueueOption } from "./types/options"
export type { AuthenticatorStats } from "./services/authenticate"
export { scryptCounters } from "./services/token"
export * from "./types"
export * from "./workflows-sdk"
export * from "./workflows"
export {
  salesChannelModule,
  SalesChannelModuleService,
  ApiKeySalesChannelLink,
  API_KEY_SALES_CHANNEL_LINK,
  initialize as initializeSalesChannelModule,
  runMigrations as runSalesChannelMigrations,
  revertMigration as revertSalesChannelMigration,
} from "./sales-channel"
export type * from "./sales-channel/types"
export { createApp } from "./http"
export type {
  CreateAppOptions,
  MedusaRequest,
  MedusaResponse,
  AuthenticatedMedusaRequest,
  MedusaStoreRequest,
  MedusaContainer,
  MedusaNextFunction,
  AuthContext,
  PublishableKeyContext,
} from "./http"
