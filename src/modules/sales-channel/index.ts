import { Modules } from "../../framework/modules-sdk/definitions"
import { Module } from "../../framework/modules-sdk/module"
import { moduleEntry } from "../../framework/modules-sdk/module-entry"
import { salesChannelMigrations } from "../../../migrations/sales-channel"
import { CONNECTION_LOADER } from "../../framework/modules-sdk/load-module"
import { optionsLoader } from "./loaders/options"
import { SalesChannelModuleService } from "./services/sales-channel-module-service"
import type { SalesChannelModuleOptions } from "./types"

/** The Sales Channel Module, as medusa-config.js resolves it. */
const salesChannelModule = Module(Modules.SALES_CHANNEL, {
  service: SalesChannelModuleService,
  loaders: [optionsLoader, CONNECTION_LOADER],
  migrations: salesChannelMigrations,
})

export default salesChannelModule
export const { initialize, runMigrations, revertMigration } = moduleEntry<SalesChannelModuleService, SalesChannelModuleOptions>(salesChannelModule)
export { salesChannelModule, SalesChannelModuleService }
export { SalesChannel } from "./models/sales-channel"
export type * from "./types"
