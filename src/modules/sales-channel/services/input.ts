import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { requireNonEmptyString } from "../../api-key/services/input"
import type { CreateSalesChannelDTO, PublishableKeySalesChannelLink, UpdateSalesChannelDTO } from "../types"

/** Input checks of the sales channel service: each error names the field and what it needs. */

const WRITABLE_FIELDS = ["name", "description", "is_disabled"]

function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** Refuses fields the module does not store, rather than dropping them without a word. */
function assertKnownFields(data: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(data).filter((k) => !allowed.includes(k) && data[k] !== undefined)
  if (unknown.length) {
    throw invalid(`Unknown field ${unknown.join(", ")}${where}; a sales channel has ${WRITABLE_FIELDS.join(", ")}`)
  }
}

function optionalDescription(value: unknown, where: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === "string") return value
  throw invalid(`description must be a string or null${where}; got ${JSON.stringify(value)}`)
}

function optionalFlag(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value
  throw invalid(`is_disabled must be true or false${where}; got ${JSON.stringify(value)}`)
}

export function validateCreateInput(data: unknown, index: number, many: boolean): Required<CreateSalesChannelDTO> {
  const where = many ? ` (sales channel at index ${index})` : ""
  if (!isObject(data)) throw invalid(`Each sales channel to create must be an object such as { name: "Web" }${where}`)
  assertKnownFields(data, WRITABLE_FIELDS, where)
  return {
    name: requireNonEmptyString(data.name, "name", where),
    description: optionalDescription(data.description, where) ?? null,
    is_disabled: optionalFlag(data.is_disabled, where) ?? false,
  }
}

/** The changes of one update: only the fields given, each checked. `id` is allowed (and dropped) when it names the row. */
export function validateUpdateInput(data: unknown, where = "", allowId = false): UpdateSalesChannelDTO {
  if (!isObject(data)) throw invalid(`The update must be an object such as { name: "Web", is_disabled: true }${where}`)
  assertKnownFields(data, allowId ? [...WRITABLE_FIELDS, "id"] : WRITABLE_FIELDS, where)
  const changes: UpdateSalesChannelDTO = {}
  if (data.name !== undefined) changes.name = requireNonEmptyString(data.name, "name", where)
  const description = optionalDescription(data.description, where)
  if (description !== undefined) changes.description = description
  const isDisabled = optionalFlag(data.is_disabled, where)
  if (isDisabled !== undefined) changes.is_disabled = isDisabled
  return changes
}

export function normalizeIds(ids: unknown, method: string): string[] {
  const list = Array.isArray(ids) ? ids : [ids]
  for (const id of list) {
    if (typeof id !== "string" || id === "") {
      throw invalid(`${method} expects a sales channel id or an array of ids; got ${JSON.stringify(id)}`)
    }
  }
  return [...new Set(list as string[])]
}

/** Link pairs, each with both ids, without repeats. */
export function normalizeLinks(links: unknown, method: string): PublishableKeySalesChannelLink[] {
  if (!Array.isArray(links)) {
    throw invalid(`${method} expects an array of { publishable_key_id, sales_channel_id }`)
  }
  const seen = new Map<string, PublishableKeySalesChannelLink>()
  links.forEach((link, i) => {
    const where = ` (link at index ${i})`
    const publishable_key_id = requireNonEmptyString((link as Record<string, unknown>)?.publishable_key_id, "publishable_key_id", where)
    const sales_channel_id = requireNonEmptyString((link as Record<string, unknown>)?.sales_channel_id, "sales_channel_id", where)
    seen.set(JSON.stringify([publishable_key_id, sales_channel_id]), { publishable_key_id, sales_channel_id })
  })
  return [...seen.values()]
}

export function notFound(ids: string[]): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `SalesChannel with id: ${ids.join(", ")} was not found`)
}

export function missingSalesChannels(ids: string[]): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `Sales channels with IDs ${ids.join(", ")} do not exist`)
}
