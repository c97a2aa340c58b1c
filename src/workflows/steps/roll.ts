import { createStep } from "../../framework/workflows-sdk"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { ApiKeyType } from "../../modules/api-key/models/api-key"
import type { ApiKeyDTO } from "../../modules/api-key/types/api-key"
import { apiKeyService, salesChannelLink } from "./services"

export const getApiKeyToRollStepId = "get-api-key-to-roll"

/** The key to roll and its sales channels; a key whose revocation has taken effect cannot roll. */
export const getApiKeyToRollStep = createStep(
  { name: getApiKeyToRollStepId, noCompensation: true },
  async (input: { id: string }, { container }): Promise<{ key: ApiKeyDTO; sales_channel_ids: string[] }> => {
    const key = await apiKeyService(container).retrieveApiKey(input.id)
    if (key.revoked_at && key.revoked_at.getTime() <= Date.now()) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot roll api key ${key.id}: it is already revoked. Create a new key instead.`)
    }
    const link = salesChannelLink(container)
    const channels = link && key.type === ApiKeyType.PUBLISHABLE ? ((await link.listSalesChannelIds([key.id]))[key.id] ?? []) : []
    return { key, sales_channel_ids: channels }
  }
)
