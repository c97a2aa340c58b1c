import { createStep, StepResponse } from "../../framework/workflows-sdk"
import { isActiveApiKey, type ApiKeyDTO, type CreateApiKeyDTO } from "../../modules/api-key"
import { apiKeyService, callerContext } from "./services"

export const createApiKeysStepId = "create-api-keys"

/** Creates keys (raw tokens in the output); undone by revoking and deleting exactly those keys. */
export const createApiKeysStep = createStep(
  createApiKeysStepId,
  async (input: { api_keys: CreateApiKeyDTO[] }, step) => {
    const created: ApiKeyDTO[] = await apiKeyService(step.container).createApiKeys(input.api_keys, callerContext(step))
    return new StepResponse(created, created.map((key) => key.id))
  },
  async (createdIds: string[] | undefined, step) => {
    if (!createdIds?.length) return
    const service = apiKeyService(step.container)
    // delete only takes revoked (or expired) keys, so revoke what is still valid first.
    const stillValid = (await service.listApiKeys({ id: createdIds }, { select: ["id", "revoked_at", "expires_at"] }))
      .filter((key) => isActiveApiKey(key))
      .map((key) => key.id)
    if (stillValid.length) await service.revoke(stillValid, undefined, callerContext(step))
    await service.deleteApiKeys(createdIds, callerContext(step))
  }
)
