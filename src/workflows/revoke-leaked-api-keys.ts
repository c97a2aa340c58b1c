import { createWorkflow, WorkflowResponse, type WorkflowData } from "../framework/workflows-sdk"
import type { LeakedTokenReport } from "../modules/api-key"
import { revokeLeakedApiKeysStep } from "./steps/revoke-leaked-api-keys"

export const revokeLeakedApiKeysWorkflowId = "revoke-leaked-api-keys"

/**
 * The leak response (not in Medusa), used by `POST /hooks/secret-scanning` and
 * `keys:revoke-leaked`: one result per reported token (see the module's revokeLeakedTokens).
 */
export const revokeLeakedApiKeysWorkflow = createWorkflow(
  revokeLeakedApiKeysWorkflowId,
  (input: WorkflowData<{ reports: (LeakedTokenReport | string)[] }>) => new WorkflowResponse(revokeLeakedApiKeysStep(input))
)
