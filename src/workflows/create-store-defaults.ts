import { Modules } from "../framework/modules-sdk/definitions"
import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "../framework/workflows-sdk"
import { ApiKeyType, type ApiKeyDTO } from "../modules/api-key"
import type { SalesChannelDTO } from "../modules/sales-channel"
import { apiKeyService, linkService, salesChannelLink, salesChannelService } from "./steps/services"

export const DEFAULT_SALES_CHANNEL_NAME = "Default Sales Channel"
export const DEFAULT_PUBLISHABLE_KEY_TITLE = "Default Publishable API Key"

export const findOrCreateDefaultSalesChannelStepId = "find-or-create-default-sales-channel"

/** The store's default channel: the one so named, else a new one when the store has no channel at all. */
export const findOrCreateDefaultSalesChannelStep = createStep(
  findOrCreateDefaultSalesChannelStepId,
  async (_: void, { container }) => {
    const service = salesChannelService(container)
    const [named] = await service.listSalesChannels({ name: DEFAULT_SALES_CHANNEL_NAME }, { take: 1 })
    if (named) return new StepResponse<SalesChannelDTO | null, string | undefined>(named, undefined)
    const [, count] = await service.listAndCountSalesChannels({}, { take: 0 })
    if (count > 0) return new StepResponse<SalesChannelDTO | null, string | undefined>(null, undefined)
    const created = await service.createSalesChannels({ name: DEFAULT_SALES_CHANNEL_NAME, description: "Created by default" })
    return new StepResponse<SalesChannelDTO | null, string | undefined>(created, created.id)
  },
  async (createdId, { container }) => {
    if (createdId) await salesChannelService(container).deleteSalesChannels(createdId)
  }
)

export const createDefaultPublishableKeyStepId = "create-default-publishable-key"

/**
 * A publishable key for a store that has none, linked to the default channel, so a storefront
 * can be pointed at a fresh store at once. Returns the key only when it was created now.
 */
export const createDefaultPublishableKeyStep = createStep(
  createDefaultPublishableKeyStepId,
  async (input: { sales_channel_id?: string }, { container }) => {
    const service = apiKeyService(container)
    const [, count] = await service.listAndCountApiKeys({ type: ApiKeyType.PUBLISHABLE }, { take: 0, withDeleted: true })
    if (count > 0) return new StepResponse<ApiKeyDTO | null, string | undefined>(null, undefined)
    const key = await service.createApiKeys({ title: DEFAULT_PUBLISHABLE_KEY_TITLE, type: ApiKeyType.PUBLISHABLE, created_by: "system" })
    const link = linkService(container)
    if (link && input.sales_channel_id) await link.create(salesChannelLink(key.id, input.sales_channel_id))
    return new StepResponse<ApiKeyDTO | null, string | undefined>(key, key.id)
  },
  async (createdId, { container }) => {
    if (!createdId) return
    const link = linkService(container)
    if (link) await link.delete({ [Modules.API_KEY]: { publishable_key_id: [createdId] } })
    await apiKeyService(container).revoke(createdId)
    await apiKeyService(container).deleteApiKeys(createdId)
  }
)

export const createStoreDefaultsWorkflowId = "create-store-defaults"

/**
 * A Medusa store's initial data, for a database that has none: the "Default Sales Channel" and a
 * "Default Publishable API Key" linked to it. Run by `db:migrate` and `npm start` (never by
 * loadMedusaApp or initialize), under a database lock so two servers starting together make one.
 */
export const createStoreDefaultsWorkflow = createWorkflow(createStoreDefaultsWorkflowId, () => {
  const channel = findOrCreateDefaultSalesChannelStep()
  const key = createDefaultPublishableKeyStep(transform({ channel }, ({ channel }) => ({ sales_channel_id: channel?.id })))
  return new WorkflowResponse({ sales_channel: channel, publishable_key: key })
})
