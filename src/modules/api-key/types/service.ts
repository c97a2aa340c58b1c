import type { ApiKeyModuleService } from "../services/api-key-module-service"

/** The public contract of the module's service, in both method namings. */
export type IApiKeyModuleService = Pick<
  ApiKeyModuleService,
  | "createApiKeys" | "create"
  | "listApiKeys" | "list"
  | "listAndCountApiKeys" | "listAndCount"
  | "retrieveApiKey" | "retrieve"
  | "updateApiKeys" | "update"
  | "upsertApiKeys" | "upsert"
  | "deleteApiKeys" | "delete"
  | "softDeleteApiKeys" | "softDelete"
  | "restoreApiKeys" | "restore"
  | "revoke"
  | "authenticate"
  | "onApplicationShutdown"
>
export type { ApiKeyModuleOptions, SecretKeyLimitOption } from "./options"
