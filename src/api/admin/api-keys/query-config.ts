import { queryFields } from "../../../framework/http/fields"
import { ApiKey } from "../../../modules/api-key"

/**
 * The Query fields of an admin api key response: Medusa's `fields` semantics, with the linked
 * `sales_channels` embedded by default when the app runs the sales channel module.
 */
export function apiKeyQueryFields(fields: string | undefined, withSalesChannels: boolean): string[] {
  const relations = withSalesChannels ? ["sales_channels"] : []
  return queryFields(fields, { model: ApiKey, relations, defaultRelations: relations })
}
