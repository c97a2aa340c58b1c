import { createStep, StepResponse } from "../../framework/workflows-sdk"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { Modules } from "../../framework/modules-sdk/definitions"
import type { LinkInput } from "../../framework/modules-sdk/links"
import { ApiKeyType } from "../../modules/api-key"
import { apiKeyService, linkedSalesChannelId, linkService, requireLinkService, salesChannelLink, salesChannelService } from "./services"

export const validateSalesChannelsExistStepId = "validate-sales-channel-exists"

/** Fails with Medusa's message when any of the given sales channels does not exist. */
export const validateSalesChannelsExistStep = createStep(
  { name: validateSalesChannelsExistStepId, noCompensation: true },
  async (input: { sales_channel_ids?: string[] }, { container }) => {
    const ids = [...new Set(input.sales_channel_ids ?? [])]
    if (!ids.length) return []
    requireLinkService(container)
    const found = new Set((await salesChannelService(container).listSalesChannels({ id: ids }, { select: ["id"] })).map((c) => c.id))
    const missing = ids.filter((id) => !found.has(id))
    if (missing.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Sales channels with IDs ${missing.join(", ")} do not exist`)
    }
    return ids
  }
)

export const linkSalesChannelsToApiKeyStepId = "link-sales-channels-to-api-key"

/**
 * Adds and removes a publishable key's sales channels through the link service; undone by
 * reversing exactly what changed (a channel that was already linked is not reported as added).
 */
export const linkSalesChannelsToApiKeyStep = createStep(
  linkSalesChannelsToApiKeyStepId,
  async (input: { id: string; add?: string[]; remove?: string[] }, { container }) => {
    if (!input.add?.length && !input.remove?.length) {
      return new StepResponse({ added: [] as string[], removed: [] as string[] }, undefined)
    }
    const link = requireLinkService(container)
    const key = await apiKeyService(container).retrieveApiKey(input.id, { select: ["id", "type"] })
    if (key.type !== ApiKeyType.PUBLISHABLE) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Sales channels can only be associated with publishable API keys")
    }
    const removed = (await link.dismiss((input.remove ?? []).map((sc) => salesChannelLink(input.id, sc)))).map(linkedSalesChannelId)
    const added = (await link.create((input.add ?? []).map((sc) => salesChannelLink(input.id, sc)))).map(linkedSalesChannelId)
    return new StepResponse({ added, removed }, { id: input.id, added, removed })
  },
  async (change: { id: string; added: string[]; removed: string[] } | undefined, { container }) => {
    if (!change) return
    const link = requireLinkService(container)
    await link.dismiss(change.added.map((sc) => salesChannelLink(change.id, sc)))
    await link.create(change.removed.map((sc) => salesChannelLink(change.id, sc)))
  }
)

export const removeApiKeySalesChannelLinksStepId = "remove-api-key-sales-channel-links"

/** Drops every sales channel link of the given keys; undone by putting those links back. */
export const removeApiKeySalesChannelLinksStep = createStep(
  removeApiKeySalesChannelLinksStepId,
  async (ids: string[], { container }) => {
    const link = linkService(container)
    const removed: LinkInput[] = link && ids.length ? await link.delete({ [Modules.API_KEY]: { publishable_key_id: ids } }) : []
    return new StepResponse(removed, removed)
  },
  async (removed: LinkInput[] | undefined, { container }) => {
    if (removed?.length) await requireLinkService(container).create(removed)
  }
)
