import { createStep, StepResponse } from "../../framework/workflows-sdk"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { Modules } from "../../framework/modules-sdk/definitions"
import { salesChannelLink } from "./services"
import { missingSalesChannels } from "../../modules/sales-channel/services/input"
import type { SalesChannelModuleService } from "../../modules/sales-channel/services/sales-channel-module-service"

type Link = { publishable_key_id: string; sales_channel_id: string }

function requireLink(container: Parameters<typeof salesChannelLink>[0]) {
  const link = salesChannelLink(container)
  if (!link) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Sales channels need the sales channel module: add salesChannel to the modules in medusa-config.js")
  }
  return link
}

export const validateSalesChannelsExistStepId = "validate-sales-channel-exists"

/** Fails with Medusa's message when any of the given sales channels does not exist. */
export const validateSalesChannelsExistStep = createStep(
  { name: validateSalesChannelsExistStepId, noCompensation: true },
  async (input: { sales_channel_ids?: string[] }, { container }) => {
    const ids = [...new Set(input.sales_channel_ids ?? [])]
    if (!ids.length) return []
    requireLink(container)
    const service = container.resolve<SalesChannelModuleService>(Modules.SALES_CHANNEL)
    const found = new Set((await service.listSalesChannels({ id: ids }, { select: ["id"] })).map((c) => c.id))
    const missing = ids.filter((id) => !found.has(id))
    if (missing.length) {
      throw missingSalesChannels(missing)
    }
    return ids
  }
)

export const linkSalesChannelsToApiKeyStepId = "link-sales-channels-to-api-key"

/** Adds and removes a key's sales channels; undone by reversing exactly what changed. */
export const linkSalesChannelsToApiKeyStep = createStep(
  linkSalesChannelsToApiKeyStepId,
  async (input: { id: string; add?: string[]; remove?: string[] }, { container }) => {
    if (!input.add?.length && !input.remove?.length) {
      return new StepResponse({ added: [] as string[], removed: [] as string[] }, undefined)
    }
    const link = requireLink(container)
    const { removed } = input.remove?.length ? await link.removeSalesChannels(input.id, input.remove) : { removed: [] }
    const { added } = input.add?.length ? await link.addSalesChannels(input.id, input.add) : { added: [] }
    return new StepResponse({ added, removed }, { id: input.id, added, removed })
  },
  async (change: { id: string; added: string[]; removed: string[] } | undefined, { container }) => {
    if (!change) return
    const link = requireLink(container)
    if (change.added.length) await link.removeSalesChannels(change.id, change.added)
    if (change.removed.length) await link.addSalesChannels(change.id, change.removed)
  }
)

export const removeApiKeySalesChannelLinksStepId = "remove-api-key-sales-channel-links"

/** Drops every sales channel link of the given keys; undone by restoring those links. */
export const removeApiKeySalesChannelLinksStep = createStep(
  removeApiKeySalesChannelLinksStepId,
  async (ids: string[], { container }) => {
    const link = salesChannelLink(container)
    const removed: Link[] = link && ids.length ? await link.removeAllForApiKeys(ids) : []
    return new StepResponse(removed, removed)
  },
  async (removed: Link[] | undefined, { container }) => {
    if (removed?.length) await requireLink(container).restoreLinks(removed)
  }
)
