import { createStep } from "../../framework/workflows-sdk"
import { MedusaError } from "../../framework/modules-sdk/medusa-error"
import { ApiKeyType, isActiveApiKey, type ApiKeyDTO } from "../../modules/api-key"
import { apiKeyService, salesChannelIdsOf } from "./services"

export const getApiKeyToRollStepId = "get-api-key-to-roll"

/** The key to roll and its sales channels; a key whose revocation or expiry has taken effect cannot roll. */
export const getApiKeyToRollStep = createStep(
  { name: getApiKeyToRollStepId, noCompensation: true },
  async (input: { id: string }, { container }): Promise<{ key: ApiKeyDTO; sales_channel_ids: string[] }> => {
    const key = await apiKeyService(container).retrieveApiKey(input.id)
    if (!isActiveApiKey(key)) {
      // An expired key counts as revoked: its token is gone for good, so there is nothing to carry over.
      const ended = key.revoked_at && new Date(key.revoked_at) <= new Date() ? "it is already revoked" : `it expired at ${new Date(key.expires_at!).toISOString()}`
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot roll api key ${key.id}: ${ended}. Create a new key instead.`)
    }
    if (key.revoked_at) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Cannot roll api key ${key.id}: its revocation is already scheduled for ${new Date(key.revoked_at).toISOString()} (rolled or revoked before); roll its successor instead`
      )
    }
    const channels = key.type === ApiKeyType.PUBLISHABLE ? (await salesChannelIdsOf(container, [key.id]))[key.id] : []
    return { key, sales_channel_ids: channels }
  }
)
