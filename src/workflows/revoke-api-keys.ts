import { createWorkflow, WorkflowResponse, type WorkflowData } from "../framework/workflows-sdk"
import type { FilterableApiKeyProps, RevokeApiKeyDTO } from "../modules/api-key"
import { revokeApiKeysStep } from "./steps/revoke-api-keys"

export const revokeApiKeysWorkflowId = "revoke-api-keys"

export const revokeApiKeysWorkflow = createWorkflow(
  revokeApiKeysWorkflowId,
  (input: WorkflowData<{ selector: FilterableApiKeyProps; revoke: RevokeApiKeyDTO }>) => new WorkflowResponse(revokeApiKeysStep(input))
)
