import { createWorkflow, type WorkflowData } from "../framework/workflows-sdk"
import { deleteApiKeysStep } from "./steps/delete-api-keys"
import { removeApiKeySalesChannelLinksStep } from "./steps/sales-channel-links"

export const deleteApiKeysWorkflowId = "delete-api-keys"

/**
 * Links go first: if the delete is refused (a key is not revoked), their removal is undone; the
 * hard delete itself cannot be undone, so it is the last step.
 */
export const deleteApiKeysWorkflow = createWorkflow(deleteApiKeysWorkflowId, (input: WorkflowData<{ ids: string[] }>) => {
  removeApiKeySalesChannelLinksStep(input.ids)
  deleteApiKeysStep(input.ids)
})
