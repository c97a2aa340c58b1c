import type { AwilixContainer } from "awilix"
import { Modules } from "../../modules-sdk/definitions"
import type { ApiKeyModuleService } from "../../services/api-key-module-service"

export { resolveSalesChannelLink as salesChannelLink } from "../../sales-channel/link"

export function apiKeyService(container: AwilixContainer): ApiKeyModuleService {
  return container.resolve<ApiKeyModuleService>(Modules.API_KEY)
}
