import { currentComposition, type NodeOutcome } from "./composition"
import { StepResponse } from "./responses"
import type { StepConfig, StepExecutionContext, WorkflowData, WorkflowInput } from "./types"

type Awaitable<T> = T | Promise<T>

export type InvokeFn<TInput, TOutput, TCompensateInput> = (
  input: TInput,
  context: StepExecutionContext,
) => Awaitable<StepResponse<TOutput, TCompensateInput> | TOutput>

export type CompensateFn<TCompensateInput> = (
  compensateInput: TCompensateInput,
  context: StepExecutionContext,
) => unknown

/** A step's output inside a composer; `.config({ name })` renames this use of the step. */
export type StepOutput<TOutput> = WorkflowData<TOutput> & {
  config(options: Partial<StepConfig>): WorkflowData<TOutput>
}

export interface StepFunction<TInput = unknown, TOutput = unknown> {
  (
    ...args: undefined extends TInput ? [input?: WorkflowInput<TInput>] : [input: WorkflowInput<TInput>]
  ): StepOutput<TOutput>
  readonly stepName: string
  getName(): string
}

/** What a step (or hook handler) returned, split into its output and its compensate input. */
export function toNodeOutcome(returned: unknown): NodeOutcome {
  if (returned instanceof StepResponse) {
    return { output: returned.output, compensateInput: returned.compensateInput }
  }
  // A plain return value is the output, and (as in Medusa) also what the compensation receives.
  return { output: returned, compensateInput: returned }
}

/**
 * Declares a step. Calling the returned function inside a composer records it (nothing runs
 * yet) and gives a reference to its future output; `invoke` runs when the workflow runs, and
 * `compensate` runs if a later step of that run fails.
 */
export function createStep<TInput = unknown, TOutput = unknown, TCompensateInput = TOutput>(
  nameOrConfig: string | StepConfig,
  invoke: InvokeFn<TInput, TOutput, TCompensateInput>,
  compensate?: CompensateFn<TCompensateInput>,
): StepFunction<TInput, TOutput> {
  const config = typeof nameOrConfig === "string" ? { name: nameOrConfig } : nameOrConfig
  if (typeof config?.name !== "string" || config.name.length === 0) {
    throw new Error("createStep needs a name: createStep(name, invoke, compensate?)")
  }
  const stepName = config.name

  const execute = async (input: unknown, context: StepExecutionContext): Promise<NodeOutcome> =>
    toNodeOutcome(await invoke(input as TInput, context))

  const step = (input?: unknown) =>
    currentComposition(`Step "${stepName}"`).record({
      baseName: stepName,
      input,
      noCompensation: config.noCompensation,
      execute,
      compensate: compensate as ((compensateInput: unknown, context: StepExecutionContext) => unknown) | undefined,
      configurable: true,
    })

  return Object.assign(step, { stepName, getName: () => stepName }) as unknown as StepFunction<TInput, TOutput>
}
