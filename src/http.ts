import path from "node:path"
import { createHttpApp, type CreateAppOptions, type MedusaExpressApp } from "./framework/http"
import { preflightListedByAKey } from "./api/store/allowed-origins"
import { findPackageRoot } from "./framework/modules-sdk/app/package-root"
import { requirePublishableKey } from "./api/store/publishable-key"
import { SECRET_SCANNING_PATH, verifySecretScanningReport } from "./api/hooks/secret-scanning/signature"

/** This package's route files: Medusa's admin and store routes, served by the same file router as an app's. */
export const BUILT_IN_API = path.join(__dirname, "api")

/**
 * Where `npm run build` writes the admin dashboard (`vite build` of dashboard/): dist/dashboard of
 * this package, found from the sources and from the compiled output alike.
 */
export const BUILT_DASHBOARD = path.join(findPackageRoot(__dirname), "dist", "dashboard")

/**
 * The server as this package ships it: the framework's HTTP host with Medusa's built-in admin and
 * store routes, the store's publishable key guard in front of every /store route (an app's own
 * included; a /store preflight is also granted to the origins publishable keys list), the
 * signature check of leak reports (which must see their raw body), and the admin dashboard at
 * /app when it is built (`dashboard` points elsewhere).
 */
export function createApp(options: Omit<CreateAppOptions, "builtInApi" | "guards" | "storePreflightOrigins">): MedusaExpressApp {
  return createHttpApp({
    ...options,
    dashboard: options.dashboard ?? { directory: BUILT_DASHBOARD },
    builtInApi: BUILT_IN_API,
    guards: [
      { path: "/store", handler: requirePublishableKey },
      { path: SECRET_SCANNING_PATH, handler: verifySecretScanningReport },
    ],
    storePreflightOrigins: preflightListedByAKey,
  })
}

export type { CreateAppOptions, MedusaExpressApp }
