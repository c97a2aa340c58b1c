import { asClass, asValue } from "awilix"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { ApiKeyRepository } from "../repositories/api-key-repository"
import type { NormalizedApiKeyModuleOptions } from "./options"

/** The module's internal registrations: they live in its own container, not the app's. */
export function containerLoader({ container, options }: ModuleLoaderArgs<NormalizedApiKeyModuleOptions>): void {
  container.register({
    moduleOptions: asValue(options),
    apiKeyRepository: asClass(ApiKeyRepository).singleton(),
  })
}
