import type { AwilixContainer } from "awilix"
import type { Request } from "express"
import { ContainerRegistrationKeys } from "../framework/modules-sdk/app"
import { Modules } from "../framework/modules-sdk/definitions"
import type { Query } from "../framework/modules-sdk/links"
import { MedusaError } from "../framework/modules-sdk/medusa-error"
import { isPlausibleId } from "../framework/modules-sdk/service"
import type { IApiKeyModuleService } from "../modules/api-key"
import type { SalesChannelModuleService } from "../modules/sales-channel"

/** What the built-in routes resolve from the request scope. */

export function apiKeyService(scope: AwilixContainer): IApiKeyModuleService {
  return scope.resolve(Modules.API_KEY)
}

export function salesChannelService(scope: AwilixContainer): SalesChannelModuleService {
  return scope.resolve(Modules.SALES_CHANNEL)
}

export function queryService(scope: AwilixContainer): Query {
  return scope.resolve(ContainerRegistrationKeys.QUERY)
}

/** Whether the app runs the sales channel module (and so the key ↔ channel link). */
export function hasSalesChannels(scope: AwilixContainer): boolean {
  return scope.hasRegistration(Modules.SALES_CHANNEL)
}

/** A path parameter as one string (express 5 types wildcard parameters as arrays). */
export function pathParam(req: Request, name: string): string {
  const value = req.params[name]
  return Array.isArray(value) ? value.join("/") : value
}

export interface ListOptions {
  pagination?: { skip?: number; take?: number; order?: Record<string, "ASC" | "DESC"> }
  withDeleted?: boolean
}

/** Records of an entity through Query, with their total count (for the list envelopes). */
export async function queryRecords(
  scope: AwilixContainer,
  entity: string,
  fields: string[],
  filters: Record<string, unknown>,
  options: ListOptions = {}
): Promise<{ data: Record<string, unknown>[]; count: number }> {
  const { data, metadata } = await queryService(scope).graph({ entity, fields, filters, ...options })
  return { data, count: metadata?.count ?? data.length }
}

/**
 * One record read back by id through Query, or undefined: each route words its own not-found
 * message, as Medusa's routes do (they differ from the modules' and between routes).
 */
export async function queryOne(scope: AwilixContainer, entity: string, id: string, fields: string[]): Promise<Record<string, unknown> | undefined> {
  if (!isPlausibleId(id)) return undefined
  const { data } = await queryRecords(scope, entity, fields, { id })
  return data[0]
}

/** Medusa's route-level not-found error: the message is the route's own wording. */
export function routeNotFound(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, message)
}
