import { Modules } from "../../framework/modules-sdk/definitions"
import { Module } from "../../framework/modules-sdk/module"
import { LocalEventBusService } from "./services/local-event-bus"

/**
 * The local event bus (`@medusajs/event-bus-local`): the default `Modules.EVENT_BUS` of an app
 * with no Redis configured. Subscribers run in the process that emitted the event.
 */
const eventBusLocalModule = Module(Modules.EVENT_BUS, { service: LocalEventBusService })

export default eventBusLocalModule
export { eventBusLocalModule, LocalEventBusService }
