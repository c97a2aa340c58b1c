import type { RequestHandler } from "express"
import type { RouteMethod } from "./file-routes"

/**
 * `src/api/middlewares.ts`, as Medusa reads it: per path (and optionally method), the
 * middlewares that run before that path's route handler — validators, guards, an app's own.
 */
export interface MiddlewareRoute {
  /** An express path, e.g. "/admin/api-keys/:id". Without `method` it also matches every path below it. */
  matcher: string
  method?: RouteMethod | RouteMethod[]
  middlewares: RequestHandler[]
}

export interface MiddlewaresConfig {
  routes: MiddlewareRoute[]
}

export function defineMiddlewares(config: MiddlewaresConfig): MiddlewaresConfig {
  return config
}
