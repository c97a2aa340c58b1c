import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { ApiKey } from "../../../modules/api-key"

const SALES_CHANNELS = "sales_channels"

export interface ApiKeyFieldSelection {
  /** Columns to read; undefined means all. */
  select?: string[]
  /** Whether to embed `sales_channels`. */
  salesChannels: boolean
}

const API_KEY_FIELDS = ApiKey.fields.readable

function isApiKeyField(name: string): boolean {
  return API_KEY_FIELDS.includes(name)
}

/**
 * Reads Medusa's `fields` parameter: `fields=id,title` returns only those (and `id`);
 * `+field` / `-field` add to or remove from the default set (every field and `sales_channels`);
 * `sales_channels` (or `*sales_channels`, Medusa's relation syntax) embeds the linked channels.
 */
export function parseApiKeyFields(fields: string | undefined): ApiKeyFieldSelection {
  if (fields === undefined || fields.trim() === "") return { salesChannels: true }
  const explicit = new Set<string>()
  const removed = new Set<string>()
  let additive = false
  for (const raw of fields.split(",").map((f) => f.trim()).filter(Boolean)) {
    const sign = raw[0] === "+" || raw[0] === "-" ? raw[0] : ""
    const name = raw.slice(sign.length).replace(/^\*/, "").replace(/\.\*$/, "")
    if (!isApiKeyField(name) && name !== SALES_CHANNELS) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Unknown field '${name}' in fields; use any of ${[...API_KEY_FIELDS, SALES_CHANNELS].join(", ")}`
      )
    }
    if (sign === "-") removed.add(name)
    else {
      explicit.add(name)
      additive ||= sign === "+"
    }
  }
  const defaults = additive || explicit.size === 0
  const wanted = defaults ? new Set<string>([...API_KEY_FIELDS, SALES_CHANNELS, ...explicit]) : new Set(["id", ...explicit])
  for (const name of removed) if (name !== "id") wanted.delete(name)
  const select = API_KEY_FIELDS.filter((f) => wanted.has(f))
  return {
    select: select.length === API_KEY_FIELDS.length ? undefined : select,
    salesChannels: wanted.has(SALES_CHANNELS),
  }
}

/** The selection as Query fields; `sales_channels` only when the app runs the sales channel module. */
export function toQueryFields(selection: ApiKeyFieldSelection, withSalesChannels: boolean): string[] {
  return [...(selection.select ?? ["*"]), ...(withSalesChannels && selection.salesChannels ? [`${SALES_CHANNELS}.*`] : [])]
}
