import path from "node:path"
import { createHttpApp, type CreateAppOptions, type MedusaExpressApp } from "./framework/http"
import { requirePublishableKey } from "./api/store/publishable-key"
import { SECRET_SCANNING_PATH, verifySecretScanningReport } from "./api/hooks/secret-scanning/signature"

/** This package's route files: Medusa's admin and store routes, served by the same file router as an app's. */
export const BUILT_IN_API = path.join(__dirname, "api")

/**
 * The server as this package ships it: the framework's HTTP host with Medusa's built-in admin and
 * store routes, the store's publishable key guard in front of every /store route (an app's
 * own included), and the signature check of leak reports, which must see their raw body.
 */
export function createApp(options: Omit<CreateAppOptions, "builtInApi" | "guards">): MedusaExpressApp {
  return createHttpApp({
    ...options,
    builtInApi: BUILT_IN_API,
    guards: [
      { path: "/store", handler: requirePublishableKey },
      { path: SECRET_SCANNING_PATH, handler: verifySecretScanningReport },
    ],
  })
}

export type { CreateAppOptions, MedusaExpressApp }
