import { createStep, StepResponse } from "../../framework/workflows-sdk"
import { API_KEY_SETTING_FIELDS, type FilterableApiKeyProps, type UpdateApiKeyDTO } from "../../modules/api-key"
import { apiKeyService, callerContext } from "./services"

export const updateApiKeysStepId = "update-api-keys"

const UPDATABLE = ["title", ...API_KEY_SETTING_FIELDS] as const

/** Updates the keys a selector matches; undone by putting back the previous values of the fields it changed. */
export const updateApiKeysStep = createStep(
  updateApiKeysStepId,
  async (input: { selector: FilterableApiKeyProps; update: UpdateApiKeyDTO }, step) => {
    const service = apiKeyService(step.container)
    // Only what an update can change (the module ignores other fields, as Medusa's does).
    const fields = UPDATABLE.filter((field) => (input.update as Record<string, unknown>)[field] !== undefined)
    const previous = await service.listApiKeys(input.selector, { select: ["id", ...fields] })
    const updated = await service.updateApiKeys(input.selector, input.update, callerContext(step))
    // A setting that was unset reads as absent; putting it back means setting it to null again.
    const restore = previous.map((key) => ({ ...Object.fromEntries(fields.map((f) => [f, (key as Record<string, unknown>)[f] ?? null])), id: key.id }))
    return new StepResponse(updated, restore)
  },
  async (previous: ({ id: string } & UpdateApiKeyDTO)[] | undefined, step) => {
    if (!previous?.length) return
    await apiKeyService(step.container).updateApiKeys(previous, callerContext(step))
  }
)
