import { createWorkflow, WorkflowResponse, type AdditionalData, type WorkflowData } from "../framework/workflows-sdk"
import type { FilterableApiKeyProps, UpdateApiKeyDTO } from "../modules/api-key"
import { updateApiKeysStep } from "./steps/update-api-keys"

export const updateApiKeysWorkflowId = "update-api-keys"

/** `additional_data` is accepted as the update route passes it; like Medusa's, this workflow has no hook. */
export interface UpdateApiKeysWorkflowInput extends AdditionalData {
  selector: FilterableApiKeyProps
  update: UpdateApiKeyDTO
}

export const updateApiKeysWorkflow = createWorkflow(
  updateApiKeysWorkflowId,
  (input: WorkflowData<UpdateApiKeysWorkflowInput>) =>
    new WorkflowResponse(updateApiKeysStep({ selector: input.selector, update: input.update }))
)
