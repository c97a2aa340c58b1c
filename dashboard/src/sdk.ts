/**
 * The project's JS SDK, bundled into the page: every call the dashboard makes goes through it.
 * It imports nothing from the server at runtime (its types come from the server as types only).
 */
export { default as Medusa, FetchError } from "../../src/sdk"
export type {
  AdminApiKey,
  AdminApiKeyScope,
  AdminCreateApiKey,
  AdminGetApiKeysParams,
  AdminSalesChannel,
  AdminUpdateApiKey,
} from "../../src/sdk"
