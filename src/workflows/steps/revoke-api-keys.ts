import { createStep } from "../../framework/workflows-sdk"
import type { FilterableApiKeyProps, RevokeApiKeyDTO } from "../../modules/api-key"
import { apiKeyService, callerContext } from "./services"

export const revokeApiKeysStepId = "revoke-api-keys"

/** Revokes the keys a selector matches. As in Medusa, a revocation is not undone. */
export const revokeApiKeysStep = createStep(
  { name: revokeApiKeysStepId, noCompensation: true },
  async (input: { selector: FilterableApiKeyProps; revoke: RevokeApiKeyDTO }, step) => {
    return apiKeyService(step.container).revoke(input.selector, input.revoke, callerContext(step))
  }
)
