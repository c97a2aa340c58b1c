import { Modules } from "../../framework/modules-sdk/definitions"
import { Module } from "../../framework/modules-sdk/module"
import { redisConnectionLoader } from "./loaders/connection"
import { RedisEventBusService } from "./services/redis-event-bus"

/**
 * The Redis event bus (`@medusajs/event-bus-redis`): `Modules.EVENT_BUS` for an app on several
 * servers. The default when `projectConfig.redisUrl` is set.
 */
const eventBusRedisModule = Module(Modules.EVENT_BUS, { service: RedisEventBusService, loaders: [redisConnectionLoader] })

export default eventBusRedisModule
export { eventBusRedisModule, RedisEventBusService }
export type { EventBusRedisModuleOptions } from "./types/options"
