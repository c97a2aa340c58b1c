/**
 * Module keys as current Medusa names them (`Modules.API_KEY` is "api_key"): the module's name,
 * its joiner config's serviceName, the key in links and in events.
 */
export const Modules = {
  API_KEY: "api_key",
  SALES_CHANNEL: "sales_channel",
  EVENT_BUS: "event_bus",
} as const

/**
 * The seed era's names ("apiKey"): medusa-config.js keys and `scope.resolve(...)` calls written
 * then keep working, because the host registers every module under both names.
 */
export const ModuleRegistrationName = {
  API_KEY: "apiKey",
  SALES_CHANNEL: "salesChannel",
  EVENT_BUS: "eventBusModuleService",
} as const

export type ModuleName = (typeof Modules)[keyof typeof Modules]

/** A module name in the current era's form: "apiKey" → "api_key". */
export function currentModuleName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}
