import { createWorkflow, WorkflowResponse, type WorkflowData } from "../framework/workflows-sdk"
import type { CreateApiKeyDTO } from "../modules/api-key"
import { createApiKeysStep } from "./steps/create-api-keys"

export const createApiKeysWorkflowId = "create-api-keys"

/** Creates api keys; the result carries each raw token, the only time it is ever returned. */
export const createApiKeysWorkflow = createWorkflow(
  createApiKeysWorkflowId,
  (input: WorkflowData<{ api_keys: CreateApiKeyDTO[] }>) => new WorkflowResponse(createApiKeysStep(input))
)
