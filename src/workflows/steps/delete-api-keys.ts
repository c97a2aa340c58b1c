import { createStep } from "../../framework/workflows-sdk"
import { apiKeyService, callerContext } from "./services"

export const deleteApiKeysStepId = "delete-api-keys"

/** Deletes revoked keys outright; nothing to undo with, so it belongs last in a workflow. */
export const deleteApiKeysStep = createStep(
  { name: deleteApiKeysStepId, noCompensation: true },
  async (ids: string[], step) => {
    await apiKeyService(step.container).deleteApiKeys(ids, callerContext(step))
    return ids
  }
)
