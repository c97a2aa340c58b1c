import { createWorkflow, type WorkflowData } from "../framework/workflows-sdk"
import { linkSalesChannelsToApiKeyStep, validateSalesChannelsExistStep } from "./steps/sales-channel-links"

export const linkSalesChannelsToApiKeyWorkflowId = "link-sales-channels-to-api-key"

export const linkSalesChannelsToApiKeyWorkflow = createWorkflow(
  linkSalesChannelsToApiKeyWorkflowId,
  (input: WorkflowData<{ id: string; add?: string[]; remove?: string[] }>) => {
    validateSalesChannelsExistStep({ sales_channel_ids: input.add })
    linkSalesChannelsToApiKeyStep(input)
  }
)
