import { createWorkflow, transform, WorkflowResponse, type WorkflowData } from "../framework/workflows-sdk"
import { API_KEY_SETTING_FIELDS, type ApiKeyDTO, type CreateApiKeyDTO } from "../modules/api-key"
import { createApiKeysStep } from "./steps/create-api-keys"
import { revokeApiKeysStep } from "./steps/revoke-api-keys"
import { linkSalesChannelsToApiKeyStep } from "./steps/sales-channel-links"
import { getApiKeyToRollStep } from "./steps/roll"

export const rollApiKeyWorkflowId = "roll-api-key"

export interface RollApiKeyInput {
  id: string
  /** Seconds the old key keeps working beside its successor; 0 or absent revokes it now. */
  revoke_in?: number
  revoked_by?: string | null
}

/**
 * Rolls a key without a moment where the store has none: the successor (same title, type,
 * creator, lifetime length, settings — scopes, allowed origins, rate limit, metadata — and sales
 * channels) is created first, then the old key is revoked, naming its successor
 * (the key history records the roll). If that revoke fails, the successor and its links are
 * removed again. The history's actor is `revoked_by`, or the run's `context.actor`.
 */
export const rollApiKeyWorkflow = createWorkflow(rollApiKeyWorkflowId, (input: WorkflowData<RollApiKeyInput>) => {
  const target = getApiKeyToRollStep({ id: input.id })
  const successorInput = transform({ target }, ({ target }) => ({ api_keys: [successorOf(target.key)] }))
  const created = createApiKeysStep(successorInput)
  const successor = transform({ created }, ({ created }) => created[0])
  linkSalesChannelsToApiKeyStep({ id: successor.id, add: target.sales_channel_ids })
  revokeApiKeysStep({
    selector: { id: input.id },
    revoke: { revoke_in: input.revoke_in, revoked_by: input.revoked_by, unscheduled_only: true, successor_id: successor.id },
  })
  return new WorkflowResponse(successor)
})

/**
 * The successor's creation input: the key's own fields and every setting it has (unset ones stay
 * unset). predecessor_id: the successor lives as long as the old key was meant to (within maxLifetime).
 */
function successorOf(key: ApiKeyDTO): CreateApiKeyDTO {
  const input: CreateApiKeyDTO = { title: key.title, type: key.type, created_by: key.created_by, predecessor_id: key.id }
  const settings = key as Partial<Record<(typeof API_KEY_SETTING_FIELDS)[number], unknown>>
  for (const field of API_KEY_SETTING_FIELDS) {
    if (settings[field] !== undefined && settings[field] !== null) Object.assign(input, { [field]: settings[field] })
  }
  return input
}
