import apiKeyModule from "./modules/api-key"

/** The package entry: the API Key Module definition (default export) and the public API of the host slice. */
export default apiKeyModule
export * from "./modules/api-key"
export { Module } from "./framework/modules-sdk/module"
export type { LinkableEntity, LinkableField, ModuleExports, ModuleLoader, ModuleLoaderArgs } from "./framework/modules-sdk/module"
export { model } from "./framework/modules-sdk/model"
export type { InferDTO, InferEntity, InferFilters } from "./framework/modules-sdk/model"
export { MedusaService } from "./framework/modules-sdk/service"
export { Modules, ModuleRegistrationName } from "./framework/modules-sdk/definitions"
export { MedusaError } from "./framework/modules-sdk/medusa-error"
export { loadMedusaApp, runAppMigrations, revertAppMigrations } from "./medusa-app"
export type { MedusaApp, LoadMedusaAppOptions, MedusaConfig } from "./medusa-app"
export { defineLink } from "./framework/modules-sdk/links"
export type { Link, Query, GraphQuery, GraphResult, LinkInput } from "./framework/modules-sdk/links"
export { ContainerRegistrationKeys } from "./framework/modules-sdk/app"
export type { Context } from "./framework/modules-sdk/context"
export { AbstractEventBusModuleService } from "./framework/event-bus"
export type { Event, EventMetadata, IEventBusModuleService, Message, Subscriber, SubscriberContext } from "./framework/event-bus"
export type { SubscriberArgs, SubscriberConfig } from "./framework/subscribers"
export { eventBusLocalModule, LocalEventBusService } from "./modules/event-bus-local"
export { eventBusRedisModule, RedisEventBusService } from "./modules/event-bus-redis"
export type { EventBusRedisModuleOptions } from "./modules/event-bus-redis"
export { moduleQueryCount } from "./framework/modules-sdk/database"
export * from "./framework/workflows-sdk"
export * from "./workflows"
export {
  salesChannelModule,
  SalesChannelModuleService,
  SalesChannel,
  initialize as initializeSalesChannelModule,
  runMigrations as runSalesChannelMigrations,
  revertMigration as revertSalesChannelMigration,
} from "./modules/sales-channel"
export type * from "./modules/sales-channel/types"
export { createApp } from "./http"
export { defineMiddlewares, authenticate, authorize, WithAdditionalData } from "./framework/http"
export type { AdditionalDataValidator, AuthType, AuthenticateOptions, AuthorizeMiddleware } from "./framework/http"
export { filterByValidSalesChannels, salesChannelIdsInScope } from "./api/store/sales-channel-scope"
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
// The JS SDK (Medusa's js-sdk shape); its request and response types under HttpTypes, as Medusa names them.
export { default as Medusa, FetchError } from "./sdk"
export type * as HttpTypes from "./sdk/types"
