import express, { Router, type Express } from "express"
import type { AwilixContainer } from "awilix"
import { Modules } from "../modules-sdk/definitions"
import { authenticateAdmin } from "./auth/admin-authentication"
import { requirePublishableKey } from "./auth/publishable-key"
import { errorHandler, notFoundHandler, type HttpLogger } from "./errors"
import { mountFileRoutes, type FileRoute } from "./file-routes"
import { requestScope } from "./request-scope"
import { apiKeyRoutes } from "../../api/admin/api-keys"
import { salesChannelRoutes } from "../../api/admin/sales-channels"
import { storeSalesChannelRoutes } from "../../api/store/sales-channels"

export interface CreateAppOptions {
  /** The app container from `loadMedusaApp`. */
  container: AwilixContainer
  /** The app folder: route files under `<directory>/src/api` are served. None when omitted. */
  directory?: string
  /** Largest JSON body accepted (bytes, or a string such as "100kb"); larger ones get 413. */
  bodyLimit?: string | number
  /** Where server errors (500s) are reported; stderr by default. */
  logger?: HttpLogger
}

export const DEFAULT_BODY_LIMIT = "100kb"

export const consoleLogger: HttpLogger = {
  info: (message) => process.stdout.write(`${message}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
}

/** The express app and the routes it found in the app folder. */
export type MedusaExpressApp = Express & { fileRoutes: FileRoute[] }

/**
 * The HTTP host: a request scope per request, admin authentication on /admin, the
 * publishable-key guard on /store, the app's file routes, Medusa's admin and store routes, then
 * 404 and Medusa's error bodies for everything that goes wrong.
 */
export function createApp(options: CreateAppOptions): MedusaExpressApp {
  const { container, directory, bodyLimit = DEFAULT_BODY_LIMIT, logger = consoleLogger } = options
  const app = express() as MedusaExpressApp
  app.disable("x-powered-by")
  // qs parsing, so filters such as created_at[$gt]=… and id[]=… arrive as objects and arrays.
  app.set("query parser", "extended")

  app.use(requestScope(container))
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" })
  })

  // Guards first: an unauthenticated request is refused before its body is even read.
  app.use("/admin", authenticateAdmin)
  app.use("/store", requirePublishableKey)
  app.use(express.json({ limit: bodyLimit }))

  // The app's own routes come before the built-in ones, so an app can override a built-in route.
  const fileRouter = Router()
  app.fileRoutes = directory ? mountFileRoutes(fileRouter, directory) : []
  app.use(fileRouter)

  const admin = Router()
  admin.use(apiKeyRoutes())
  const store = Router()
  if (container.hasRegistration(Modules.SALES_CHANNEL)) {
    admin.use(salesChannelRoutes())
    store.use(storeSalesChannelRoutes())
  }
  app.use("/admin", admin)
  app.use("/store", store)

  app.use(notFoundHandler)
  app.use(errorHandler(logger))
  return app
}
