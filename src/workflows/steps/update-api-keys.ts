import { createStep, StepResponse } from "../../framework/workflows-sdk"
import type { FilterableApiKeyProps, UpdateApiKeyDTO } from "../../modules/api-key"
import { apiKeyService, callerContext } from "./services"

export const updateApiKeysStepId = "update-api-keys"

/** Updates the keys a selector matches; undone by putting their previous titles back. */
export const updateApiKeysStep = createStep(
  updateApiKeysStepId,
  async (input: { selector: FilterableApiKeyProps; update: UpdateApiKeyDTO }, step) => {
    const service = apiKeyService(step.container)
    const previous = await service.listApiKeys(input.selector, { select: ["id", "title"] })
    const updated = await service.updateApiKeys(input.selector, input.update, callerContext(step))
    return new StepResponse(updated, previous.map(({ id, title }) => ({ id, title })))
  },
  async (previous: { id: string; title: string }[] | undefined, step) => {
    if (!previous?.length) return
    await apiKeyService(step.container).updateApiKeys(previous, callerContext(step))
  }
)
