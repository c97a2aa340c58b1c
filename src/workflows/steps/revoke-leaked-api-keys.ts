import { createStep } from "../../framework/workflows-sdk"
import type { LeakedTokenReport } from "../../modules/api-key"
import { apiKeyService, callerContext } from "./services"

export const revokeLeakedApiKeysStepId = "revoke-leaked-api-keys"

/** Revokes the active secret keys of leaked tokens. A revocation is not undone (as revokeApiKeysStep). */
export const revokeLeakedApiKeysStep = createStep(
  { name: revokeLeakedApiKeysStepId, noCompensation: true },
  async (input: { reports: (LeakedTokenReport | string)[] }, step) => {
    return apiKeyService(step.container).revokeLeakedTokens(input.reports, callerContext(step))
  }
)
