import { createWorkflow, WorkflowResponse, type WorkflowData } from "../framework/workflows-sdk"
import type { FilterableApiKeyProps, UpdateApiKeyDTO } from "../modules/api-key"
import { updateApiKeysStep } from "./steps/update-api-keys"

export const updateApiKeysWorkflowId = "update-api-keys"

export const updateApiKeysWorkflow = createWorkflow(
  updateApiKeysWorkflowId,
  (input: WorkflowData<{ selector: FilterableApiKeyProps; update: UpdateApiKeyDTO }>) => new WorkflowResponse(updateApiKeysStep(input))
)
