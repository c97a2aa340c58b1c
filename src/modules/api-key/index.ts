import { Modules } from "../../framework/modules-sdk/definitions"
import { Module } from "../../framework/modules-sdk/module"
import { moduleEntry } from "../../framework/modules-sdk/module-entry"
import { apiKeyMigrations } from "../../../migrations/api-key"
import { CONNECTION_LOADER } from "../../framework/modules-sdk/load-module"
import { authenticationLoader, optionsLoader } from "./loaders/authentication"
import { rateLimitLoader } from "./loaders/rate-limit"
import { ApiKeyHistory } from "./models/api-key-history"
import { ApiKeyModuleService } from "./services/api-key-module-service"
import type { ApiKeyModuleOptions } from "./types/options"

/** The API Key Module, as medusa-config.js resolves it. */
const apiKeyModule = Module(Modules.API_KEY, {
  service: ApiKeyModuleService,
  loaders: [optionsLoader, CONNECTION_LOADER, authenticationLoader, rateLimitLoader],
  migrations: apiKeyMigrations,
  linkableKeys: { ApiKey: ["publishable_key_id"] },
  // The key history is the module's own record: read through listApiKeyHistory, written only by
  // the module's changes (never through generated methods, Query or links).
  internalModels: [ApiKeyHistory],
})

export default apiKeyModule
export const { initialize, runMigrations, revertMigration } = moduleEntry<ApiKeyModuleService, ApiKeyModuleOptions>(apiKeyModule)
export { apiKeyModule, ApiKeyModuleService }
export { ApiKey, ApiKeyType } from "./models/api-key"
export { ApiKeyHistory, ApiKeyHistoryAction, API_KEY_HISTORY_ACTIONS } from "./models/api-key-history"
export type { ApiKeyHistoryDTO, FilterableApiKeyHistoryProps } from "./models/api-key-history"
export { activeApiKeyCondition, inactiveFrom, isActiveApiKey } from "./utils/active"
export { API_KEY_SCOPES, FULL_ACCESS_SCOPE, scopesAllow, scopesWithin } from "./utils/scopes"
export { originAllowed } from "./utils/origins"
export { API_KEY_SETTING_FIELDS, SETTINGS_LIMITS } from "./services/key-settings"
export type { ApiKeyRateLimit } from "./models/api-key"
export type { AuthenticationStats } from "./authentication/authenticator"
export type { AuthCacheOption, LastUsedAtOption, MaxLifetimeOption, ScryptQueueOption, SecretScanningOption, SecretScanningPublicKey, TokenFormat } from "./types/options"
export { failsTokenChecksum, SCANNER_PATTERN } from "./authentication/token"
export * from "./types"
