import { createHook, createWorkflow, WorkflowResponse, type AdditionalData, type WorkflowData } from "../framework/workflows-sdk"
import type { CreateApiKeyDTO } from "../modules/api-key"
import { createApiKeysStep } from "./steps/create-api-keys"

export const createApiKeysWorkflowId = "create-api-keys"

export interface CreateApiKeysWorkflowInput extends AdditionalData {
  api_keys: CreateApiKeyDTO[]
}

/**
 * Creates api keys; the result carries each raw token, the only time it is ever returned. The
 * `apiKeysCreated` hook (Medusa's) hands the created keys, raw tokens included, and the caller's
 * `additional_data` to an app's handler: `createApiKeysWorkflow.hooks.apiKeysCreated(...)`.
 */
export const createApiKeysWorkflow = createWorkflow(createApiKeysWorkflowId, (input: WorkflowData<CreateApiKeysWorkflowInput>) => {
  const apiKeys = createApiKeysStep({ api_keys: input.api_keys })
  const apiKeysCreated = createHook("apiKeysCreated", { apiKeys, additional_data: input.additional_data })
  return new WorkflowResponse(apiKeys, { hooks: [apiKeysCreated] })
})
