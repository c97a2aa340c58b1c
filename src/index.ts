import { Modules } from "./framework/modules-sdk/definitions"
import { createModuleEntry } from "./framework/modules-sdk/module-entry"
import { ApiKeyModuleService } from "./modules/api-key/services/api-key-module-service"
import { connectionLoader, apiKeyOrmConfig } from "./modules/api-key/loaders/connection"
import { containerLoader } from "./modules/api-key/loaders/container"
import { normalizeApiKeyModuleOptions } from "./modules/api-key/loaders/options"
import type { ApiKeyModuleOptions } from "./modules/api-key/types/options"

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
export { Module } from "./framework/modules-sdk/module"
export { ApiKeyModuleService } from "./modules/api-key/services/api-key-module-service"
export { ApiKey, ApiKeyType, ApiKeySchema } from "./modules/api-key/models/api-key"
export { Modules, ModuleRegistrationName } from "./framework/modules-sdk/definitions"
export { MedusaError } from "./framework/modules-sdk/medusa-error"
export { loadMedusaApp } from "./framework/modules-sdk/load-app"
export type { MedusaApp, LoadMedusaAppOptions } from "./framework/modules-sdk/load-app"
export type { Context } from "./framework/modules-sdk/context"
export type { AuthCacheOption, LastUsedAtOption, ScryptQueueOption } from "./modules/api-key/types/options"
export type { AuthenticatorStats } from "./modules/api-key/authentication/authenticator"
export { scryptCounters } from "./modules/api-key/authentication/token"
export * from "./modules/api-key/types"
export * from "./framework/workflows-sdk"
export * from "./workflows"
export {
  salesChannelModule,
  SalesChannelModuleService,
  ApiKeySalesChannelLink,
  API_KEY_SALES_CHANNEL_LINK,
  initialize as initializeSalesChannelModule,
  runMigrations as runSalesChannelMigrations,
  revertMigration as revertSalesChannelMigration,
} from "./modules/sales-channel"
export type * from "./modules/sales-channel/types"
export { createApp } from "./framework/http"
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
} from "./framework/http"
