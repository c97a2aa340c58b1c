import type { AwilixContainer } from "awilix"
import { Modules } from "../../framework/modules-sdk/definitions"
import type { ApiKeyModuleService } from "../../modules/api-key/services/api-key-module-service"

export { resolveSalesChannelLink as salesChannelLink } from "../../modules/sales-channel/link"

export function apiKeyService(container: AwilixContainer): ApiKeyModuleService {
  return container.resolve<ApiKeyModuleService>(Modules.API_KEY)
}
