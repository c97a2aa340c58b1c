import type { RequestHandler } from "express"
import { z } from "zod"
import type { RouteMethod } from "./file-routes"
import type { MedusaContainer } from "./types"

/** Zod fields an app accepts in a route's `additional_data`, e.g. `{ sales_channel_id: z.string() }`. */
export type AdditionalDataValidator = Record<string, z.ZodType>

/**
 * `src/api/middlewares.ts`, as Medusa reads it: per path (and optionally method), the
 * middlewares that run before that path's route handler — validators, guards, an app's own.
 */
export interface MiddlewareRoute {
  /** An express path, e.g. "/admin/api-keys/:id". Without `method` it also matches every path below it. */
  matcher: string
  method?: RouteMethod | RouteMethod[]
  middlewares?: RequestHandler[]
  /**
   * What a built-in route accepts in its body's `additional_data` (which it passes to its
   * workflow's hooks), as in Medusa. Unknown keys are refused (400 naming them), as for every field here.
   */
  additionalDataValidator?: AdditionalDataValidator
}

export interface MiddlewaresConfig {
  routes: MiddlewareRoute[]
}

/**
 * A middleware that checks at start-up that it was declared correctly, against the loaded app —
 * which does not exist yet when the middlewares file is imported (e.g. `authorize` checks that its
 * scope is one the API key module knows). The file router calls it once, when it mounts the file.
 */
export interface CheckedAtStartup {
  checkAtStartup(container: MedusaContainer, where: string): void
}

function isCheckedAtStartup(handler: unknown): handler is CheckedAtStartup {
  return typeof (handler as Partial<CheckedAtStartup>).checkAtStartup === "function"
}

/** Runs the start-up checks of a middlewares file's handlers; `file` names it in the errors. */
export function checkMiddlewaresAtStartup(config: MiddlewaresConfig, container: MedusaContainer, file: string): void {
  for (const route of config.routes) {
    const where = `${file} (matcher "${route.matcher}")`
    for (const handler of route.middlewares ?? []) if (isCheckedAtStartup(handler)) handler.checkAtStartup(container, where)
  }
}

export function defineMiddlewares(config: MiddlewaresConfig): MiddlewaresConfig {
  return config
}

/**
 * The handlers a middleware route mounts: its `additionalDataValidator`, handed to the route's
 * body validator through `req.additionalDataValidator` (as Medusa does), then its middlewares.
 */
export function routeMiddlewares(route: MiddlewareRoute): RequestHandler[] {
  const own = route.middlewares ?? []
  if (route.additionalDataValidator === undefined) return own
  const schema = z.strictObject(route.additionalDataValidator).nullish()
  const assignValidator: RequestHandler = (req, _res, next) => {
    req.additionalDataValidator = schema
    next()
  }
  return [assignValidator, ...own]
}
