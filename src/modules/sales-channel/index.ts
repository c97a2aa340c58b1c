import { Modules } from "../../framework/modules-sdk/definitions"
import { createModuleEntry } from "../../framework/modules-sdk/module-entry"
import { SalesChannelModuleService } from "./services/sales-channel-module-service"
import { connectionLoader, salesChannelOrmConfig } from "./loaders/connection"
import { containerLoader } from "./loaders/container"
import { normalizeSalesChannelModuleOptions } from "./loaders/options"
import type { SalesChannelModuleOptions } from "./types"

const entry = createModuleEntry<SalesChannelModuleService, SalesChannelModuleOptions, ReturnType<typeof normalizeSalesChannelModuleOptions>>(
  Modules.SALES_CHANNEL,
  {
    service: SalesChannelModuleService,
    loaders: [connectionLoader, containerLoader],
    normalizeOptions: normalizeSalesChannelModuleOptions,
    ormConfig: salesChannelOrmConfig,
  }
)

const salesChannelModule = entry.definition
const { initialize, runMigrations, revertMigration } = entry

export default salesChannelModule
export { salesChannelModule, initialize, runMigrations, revertMigration }
export { SalesChannelModuleService } from "./services/sales-channel-module-service"
export { ApiKeySalesChannelLink, API_KEY_SALES_CHANNEL_LINK } from "./link"
export { SalesChannel, SalesChannelSchema } from "./models/sales-channel"
export { PublishableKeyLink, PublishableKeyLinkSchema } from "./models/publishable-key-link"
export { SALES_CHANNEL_MIGRATIONS_TABLE } from "./loaders/connection"
export type {
  SalesChannelModuleOptions,
  SalesChannelDTO,
  CreateSalesChannelDTO,
  UpdateSalesChannelDTO,
  FilterableSalesChannelProps,
  SalesChannelFindConfig,
  PublishableKeySalesChannelLink,
  FilterablePublishableKeyLinkProps,
} from "./types"
export type { ApiKeySalesChannelLinkDependencies } from "./link"
