import { findPackageRoot, samePath } from "../modules-sdk/app/package-root"
import path from "node:path"
import express, { Router, type Express, type RequestHandler } from "express"
import type { AwilixContainer } from "awilix"
import { authenticateAdmin } from "./auth/authenticate"
import { cors, DEFAULT_ADMIN_CORS, DEFAULT_STORE_CORS, type PreflightOriginCheck } from "./cors"
import type { MedusaConfig } from "../modules-sdk/app/config"
import { countHeldRateLimit } from "./auth/rate-limit"
import { errorHandler, notFoundHandler, RETRY_AFTER_SECONDS, type HttpLogger } from "./errors"
import { HEALTH_CHECK } from "../modules-sdk/app/load-app"
import { mountFileRoutes, type FileRoute } from "./file-routes"
import { requestScope } from "./request-scope"
import { dashboardRouter, type DashboardOptions } from "./dashboard"

export interface CreateAppOptions {
  /** The app container from `loadMedusaApp`. */
  container: AwilixContainer
  /** The app folder: route files under `<directory>/src/api` are served beside the built-in ones. None when omitted. */
  directory?: string
  /** Largest JSON body accepted (bytes, or a string such as "100kb"); larger ones get 413. */
  bodyLimit?: string | number
  /** Where server errors (500s) are reported; stderr by default. */
  logger?: HttpLogger
  /** A folder of route files served after the app's own (the package's built-in routes). */
  builtInApi?: string
  /** Guards by path prefix, run before any body is read or route is matched (the store's publishable key guard). */
  guards?: { path: string; handler: RequestHandler }[]
  /** Origins a /store preflight is granted beyond storeCors (the real request is checked by the guards). */
  storePreflightOrigins?: PreflightOriginCheck
  /** The built admin dashboard, served at /app (with `/` linking to it). None when omitted. */
  dashboard?: DashboardOptions
}

export const DEFAULT_BODY_LIMIT = "100kb"

export const consoleLogger: HttpLogger = {
  info: (message) => process.stdout.write(`${message}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
}

/** The express app, the routes it found in the app folder, and the built-in ones. */
export type MedusaExpressApp = Express & {
  fileRoutes: FileRoute[]
  builtInRoutes: FileRoute[]
  /** Whether the admin dashboard is served at /app (its build was found). */
  dashboardServed: boolean
}

/**
 * The HTTP host: a request scope per request, secret-key authentication on /admin and the given
 * guards, the body parser, the app's file routes, then the built-in route files, then `/` and the
 * dashboard at /app, then 404 and Medusa's error bodies for everything that goes wrong.
 */
export function createHttpApp(options: CreateAppOptions): MedusaExpressApp {
  const { container, directory, bodyLimit = DEFAULT_BODY_LIMIT, logger = consoleLogger, builtInApi, guards = [], storePreflightOrigins, dashboard } = options
  const app = express() as MedusaExpressApp
  app.disable("x-powered-by")
  // qs parsing, so filters such as created_at[$gt]=… and id[]=… arrive as objects and arrays.
  app.set("query parser", "extended")

  app.use(requestScope(container))
  app.get("/health", async (req, res) => {
    const check = req.scope.hasRegistration(HEALTH_CHECK) ? req.scope.resolve<() => Promise<boolean>>(HEALTH_CHECK) : undefined
    if (!check || (await check())) {
      res.json({ status: "ok" })
      return
    }
    res.set("Retry-After", String(RETRY_AFTER_SECONDS)).status(503).json({ status: "degraded", database: "down" })
  })

  // CORS first (a browser's preflight carries no credentials), then the guards: an
  // unauthenticated request is refused before its body is even read.
  const http = (container.hasRegistration("configModule") ? container.resolve<MedusaConfig>("configModule") : undefined)?.projectConfig?.http
  app.use("/store", cors(typeof http?.storeCors === "string" ? http.storeCors : DEFAULT_STORE_CORS, storePreflightOrigins))
  app.use("/admin", cors(typeof http?.adminCors === "string" ? http.adminCors : DEFAULT_ADMIN_CORS))
  app.use("/admin", authenticateAdmin)
  for (const guard of guards) app.use(guard.path, guard.handler)
  app.use(express.json({ limit: bodyLimit }))

  // The app's own routes come before the built-in ones, so an app can override a built-in route.
  // The package's own folder is not an app of its own: its routes are the built-in ones.
  const appRouter = Router()
  const ownPackage = directory !== undefined && builtInApi !== undefined && samePath(directory, findPackageRoot(builtInApi))
  const appRoutes = directory && !ownPackage ? mountFileRoutes(appRouter, path.join(directory, "src", "api"), container) : []
  app.use(appRouter)
  const builtInRouter = Router()
  const builtInRoutes = builtInApi ? mountFileRoutes(builtInRouter, builtInApi, container) : []
  app.use(builtInRouter)
  app.fileRoutes = appRoutes
  app.builtInRoutes = builtInRoutes
  const { router: dashboardRoutes, served } = dashboardRouter(dashboard)
  app.use(dashboardRoutes)
  app.dashboardServed = served

  // An authenticated request that matched no route still counts against its key's rate limit.
  app.use((req, res, next) => {
    const counting = countHeldRateLimit(req, res)
    if (counting) return counting.then(() => next())
    next()
  })
  app.use(notFoundHandler)
  app.use(errorHandler(logger))
  return app
}
