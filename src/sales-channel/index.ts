import { Module } from "../modules-sdk/module"
import { Modules } from "../modules-sdk/definitions"
import { loadModule } from "../modules-sdk/load-module"
import { revertModuleMigrations, runModuleMigrations } from "../modules-sdk/database"
import { SalesChannelModuleService } from "./services/sales-channel-module-service"
import { connectionLoader, salesChannelOrmConfig } from "./loaders/connection"
import { containerLoader } from "./loaders/container"
import { normalizeSalesChannelModuleOptions } from "./loaders/options"
import type { SalesChannelModuleOptions } from "./types"

async function runMigrations({ options }: { options: SalesChannelModuleOptions }): Promise<string[]> {
  return runModuleMigrations(salesChannelOrmConfig(normalizeSalesChannelModuleOptions(options)))
}

async function revertMigration({ options, step }: { options: SalesChannelModuleOptions; step?: number }): Promise<string[]> {
  return revertModuleMigrations(salesChannelOrmConfig(normalizeSalesChannelModuleOptions(options)), step)
}

const salesChannelModule = Module(Modules.SALES_CHANNEL, {
  service: SalesChannelModuleService,
  loaders: [connectionLoader, containerLoader],
  migrations: { runMigrations, revertMigration },
  normalizeOptions: normalizeSalesChannelModuleOptions,
})

/** A ready service outside any app: `initialize({ database: { clientUrl } })`. */
async function initialize(options: SalesChannelModuleOptions): Promise<SalesChannelModuleService> {
  const { service } = await loadModule(salesChannelModule, options)
  return service
}

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
