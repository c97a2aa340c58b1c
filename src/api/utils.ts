import type { AwilixContainer } from "awilix"
import type { Request } from "express"
import { ContainerRegistrationKeys } from "../framework/modules-sdk/app"
import { Modules } from "../framework/modules-sdk/definitions"
import type { Query } from "../framework/modules-sdk/links"
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
