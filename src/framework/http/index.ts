export { createHttpApp, DEFAULT_BODY_LIMIT, consoleLogger } from "./app"
export type { CreateAppOptions, MedusaExpressApp } from "./app"
export { errorHandler, notFoundHandler, toErrorResponse } from "./errors"
export type { HttpLogger } from "./errors"
export { mountFileRoutes } from "./file-routes"
export type { FileRoute, RouteMethod } from "./file-routes"
export { authenticate, authenticateAdmin, extractSecretToken } from "./auth/authenticate"
export type { AuthType, AuthenticateOptions } from "./auth/authenticate"
export { authorize } from "./auth/authorize"
export type { AuthorizeMiddleware } from "./auth/authorize"
export { FULL_ACCESS_SCOPE, scopesAllow, scopesWithin } from "./auth/scopes"
export { defineMiddlewares } from "./middlewares"
export type { AdditionalDataValidator, CheckedAtStartup, MiddlewareRoute, MiddlewaresConfig } from "./middlewares"
export { validateBody, validateQuery, WithAdditionalData } from "./validation"
export type { BodySchemaFactory } from "./validation"
export type {
  AuthContext,
  AuthenticatedMedusaRequest,
  ErrorResponseBody,
  MedusaContainer,
  MedusaNextFunction,
  MedusaRequest,
  MedusaResponse,
  MedusaRouteHandler,
  MedusaStoreRequest,
  PublishableKeyContext,
} from "./types"
export { createHttpServer, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./server"
export type { ServerTimeouts } from "./server"
export { DASHBOARD_PATH, dashboardRouter, isDashboardBuilt } from "./dashboard"
export type { DashboardOptions } from "./dashboard"
