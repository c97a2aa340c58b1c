import type { AwilixContainer } from "awilix"
import { Modules } from "../../framework/modules-sdk/definitions"
import { ContainerRegistrationKeys } from "../../framework/modules-sdk/app"
import type { Link, LinkInput, Query } from "../../framework/modules-sdk/links"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import type { Context } from "../../framework/modules-sdk/context"
import type { StepExecutionContext } from "../../framework/workflows-sdk"
import type { IApiKeyModuleService } from "../../modules/api-key"
import type { SalesChannelModuleService } from "../../modules/sales-channel"

/** What the api key workflows resolve from the app container. */

export function apiKeyService(container: AwilixContainer): IApiKeyModuleService {
  return container.resolve<IApiKeyModuleService>(Modules.API_KEY)
}

/**
 * The module-call context of a step: the actor the run names (`run({ input, context: { actor } })`,
 * as the admin routes and the CLI do), which the api key history records for updates, deletes and
 * the like — Medusa's methods have no actor argument for those.
 */
export function callerContext(step: Pick<StepExecutionContext, "context">): Context | undefined {
  const actor = step.context.actor
  return typeof actor === "string" && actor !== "" ? { actor } : undefined
}

export function salesChannelService(container: AwilixContainer): SalesChannelModuleService {
  return container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL)
}

export function queryService(container: AwilixContainer): Query {
  return container.resolve<Query>(ContainerRegistrationKeys.QUERY)
}

/** The link service when the app runs the sales channel module beside the api key module. */
export function linkService(container: AwilixContainer): Link | undefined {
  if (!container.hasRegistration(Modules.SALES_CHANNEL) || !container.hasRegistration(ContainerRegistrationKeys.LINK)) return undefined
  return container.resolve<Link | undefined>(ContainerRegistrationKeys.LINK)
}

export function requireLinkService(container: AwilixContainer): Link {
  const link = linkService(container)
  if (!link) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Sales channels need the sales channel module: add salesChannel to the modules in medusa-config.js")
  }
  return link
}

/** One publishable key ↔ sales channel link, as `link.create` / `link.dismiss` take it. */
export function salesChannelLink(apiKeyId: string, salesChannelId: string): LinkInput {
  return { [Modules.API_KEY]: { publishable_key_id: apiKeyId }, [Modules.SALES_CHANNEL]: { sales_channel_id: salesChannelId } }
}

/** The sales channel of a link returned by the link service. */
export function linkedSalesChannelId(link: LinkInput): string {
  return link[Modules.SALES_CHANNEL].sales_channel_id
}

/** The sales channel ids linked to each key ([] when none, or without the sales channel module). */
export async function salesChannelIdsOf(container: AwilixContainer, apiKeyIds: string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = Object.fromEntries(apiKeyIds.map((id) => [id, []]))
  const link = linkService(container)
  if (!link || !apiKeyIds.length) return result
  for (const row of await link.list({ [Modules.API_KEY]: { publishable_key_id: apiKeyIds } })) {
    result[row[Modules.API_KEY].publishable_key_id]?.push(linkedSalesChannelId(row))
  }
  return result
}
