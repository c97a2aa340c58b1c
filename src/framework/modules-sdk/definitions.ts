/** Module keys as Medusa names them: the key in medusa-config.js and in the app container. */
export const Modules = {
  API_KEY: "apiKey",
  SALES_CHANNEL: "salesChannel",
} as const

/** Older Medusa releases resolve modules by this name; the values are the same keys. */
export const ModuleRegistrationName = Modules

export type ModuleName = (typeof Modules)[keyof typeof Modules]

/** The package name users put in `resolve`, mapped to the module shipped in this package. */
export const BUILT_IN_MODULE_PACKAGES: Record<string, ModuleName> = {
  "@medusajs/api-key": Modules.API_KEY,
  "@medusajs/medusa/api-key": Modules.API_KEY,
  "@medusajs/sales-channel": Modules.SALES_CHANNEL,
  "@medusajs/medusa/sales-channel": Modules.SALES_CHANNEL,
}
