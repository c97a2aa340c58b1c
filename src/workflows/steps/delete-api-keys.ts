import { createStep } from "../../framework/workflows-sdk"
import { apiKeyService } from "./services"

export const deleteApiKeysStepId = "delete-api-keys"

/** Deletes revoked keys outright; nothing to undo with, so it belongs last in a workflow. */
export const deleteApiKeysStep = createStep(
  { name: deleteApiKeysStepId, noCompensation: true },
  async (ids: string[], { container }) => {
    await apiKeyService(container).deleteApiKeys(ids)
    return ids
  }
)
