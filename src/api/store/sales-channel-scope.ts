import type { RequestHandler } from "express"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"

/**
 * Scoping an app's store queries to the request's publishable key, as Medusa's store routes do:
 * a request may narrow the key's sales channels with `sales_channel_id` (one or a list), but never
 * name a channel outside them.
 */

function requestedSalesChannelIds(req: Parameters<RequestHandler>[0]): string[] {
  const fromQuery = (req.validatedQuery as { sales_channel_id?: unknown } | undefined)?.sales_channel_id ?? req.query.sales_channel_id
  if (fromQuery === undefined) return []
  const ids = Array.isArray(fromQuery) ? fromQuery : [fromQuery]
  if (ids.some((id) => typeof id !== "string" || !id)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "sales_channel_id must be a sales channel id or a list of them")
  }
  return ids as string[]
}

/**
 * The sales channel ids a store request may read: those it names (all of them granted by its
 * publishable key), else all the key grants ([] when it grants none). A named channel outside the
 * key's set is invalid_data with Medusa's message.
 */
export function salesChannelIdsInScope(req: Parameters<RequestHandler>[0]): string[] {
  const granted = req.publishable_key_context?.sales_channel_ids ?? []
  const requested = requestedSalesChannelIds(req)
  if (!requested.length) return granted
  if (requested.some((id) => !granted.includes(id))) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "Requested sales channel is not part of the publishable key")
  }
  return [...new Set(requested)]
}

/**
 * Medusa's `filterByValidSalesChannels()` for an app's store routes: puts the ids of
 * `salesChannelIdsInScope` in `req.filterableFields.sales_channel_id`, for the route to filter by.
 * A key that grants no channel cannot scope anything, so the request is refused (Medusa falls back
 * to the store's default channel there; this host has no store module to name one).
 */
export function filterByValidSalesChannels(): RequestHandler {
  return (req, _res, next) => {
    const ids = salesChannelIdsInScope(req)
    if (!ids.length) throw new MedusaError(MedusaError.Types.INVALID_DATA, "Publishable key needs to have a sales channel configured")
    req.filterableFields = { ...req.filterableFields, sales_channel_id: ids }
    next()
  }
}
