import { asClass, asValue } from "awilix"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { SalesChannelRepository } from "../repositories/sales-channel-repository"
import { PublishableKeyLinkRepository } from "../repositories/publishable-key-link-repository"
import type { SalesChannelModuleOptions } from "../types"

/** The module's internal registrations: they live in its own container, not the app's. */
export function containerLoader({ container, options }: ModuleLoaderArgs<SalesChannelModuleOptions>): void {
  container.register({
    moduleOptions: asValue(options),
    salesChannelRepository: asClass(SalesChannelRepository).singleton(),
    publishableKeyLinkRepository: asClass(PublishableKeyLinkRepository).singleton(),
  })
}
