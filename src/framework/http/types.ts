import type { AwilixContainer } from "awilix"
import type { NextFunction, Request, Response } from "express"
import type { z } from "zod"

/** The per-request awilix scope: everything the app container holds, plus request values. */
export type MedusaContainer = AwilixContainer

/** Who is calling. For a secret API key: its id, actor type "api-key", no auth identity, and its scopes. */
export interface AuthContext {
  actor_id: string
  actor_type: string
  auth_identity_id: string
  /**
   * Not in Medusa: what a secret API key may do (`resource:action`, `resource:*` or `*`); checked
   * by `authorize(...)`. Absent (or null) means full access — a key without scopes, as every key
   * is in Medusa — and for callers that scopes do not govern; so an unlimited key's context
   * reads exactly as Medusa's.
   */
  scopes?: string[] | null
}

/** Set on /store requests by the publishable-key middleware. */
export interface PublishableKeyContext {
  /** The publishable token the request carried. */
  key: string
  /** The sales channels that key grants ([] when none are linked, or no link service exists). */
  sales_channel_ids: string[]
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Declaration merging with express's open Request interface, so every handler (built-in or a
    // user's file route) sees what the host adds to the request.
    interface Request {
      /** A fresh awilix scope of the app container for this request. */
      scope: MedusaContainer
      /** Set by the /admin authentication middleware. */
      auth_context?: AuthContext
      /** The scopes `authorize(...)` checked for this request (a route without any refuses keys with limited scopes). */
      authorized_scopes?: string[]
      /** Set by the /store publishable-key middleware. */
      publishable_key_context?: PublishableKeyContext
      /** The request body after validation (zod), when the route validates one. */
      validatedBody?: unknown
      /** The query string after validation, when the route validates one. */
      validatedQuery?: unknown
      /** Filters a middleware worked out for the route (e.g. filterByValidSalesChannels's sales_channel_id). */
      filterableFields?: Record<string, unknown>
      /** The app's schema for this route's `additional_data` (from `additionalDataValidator` in its middlewares). */
      additionalDataValidator?: z.ZodType
    }
  }
}

/** Medusa's request type for route handlers: `request.scope.resolve(...)`, validated input. */
export interface MedusaRequest<Body = unknown, Query = Record<string, unknown>> extends Request {
  validatedBody: Body
  validatedQuery: Query
}

/** A request that passed admin authentication: `auth_context` is always there. */
export interface AuthenticatedMedusaRequest<Body = unknown, Query = Record<string, unknown>>
  extends MedusaRequest<Body, Query> {
  auth_context: AuthContext
}

/** A /store request that carried a valid publishable key. */
export interface MedusaStoreRequest<Body = unknown, Query = Record<string, unknown>> extends MedusaRequest<Body, Query> {
  publishable_key_context: PublishableKeyContext
}

export type MedusaResponse<Body = unknown> = Response<Body>

export type MedusaNextFunction = NextFunction

/** What a route file exports per HTTP method. */
export type MedusaRouteHandler = (req: MedusaRequest<any, any>, res: MedusaResponse<any>) => unknown

/** The body of every error response, as Medusa sends it. */
export interface ErrorResponseBody {
  type: string
  message: string
  code?: string
}
