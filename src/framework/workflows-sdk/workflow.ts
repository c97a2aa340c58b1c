import { createContainer, type AwilixContainer } from "awilix"
import { composeWith, WorkflowComposition } from "./composition"
import { WorkflowResponse } from "./responses"
import { runWorkflow, type WorkflowDefinition } from "./run-workflow"
import type { Resolved, WorkflowConfig, WorkflowResult, WorkflowRunOptions } from "./types"

/** The result type of a composer's return value. */
export type ComposerResult<TReturn> = [TReturn] extends [void]
  ? undefined
  : TReturn extends WorkflowResponse<infer TValue>
    ? Resolved<TValue>
    : Resolved<TReturn>

export interface WorkflowRunner<TInput, TResult> {
  run(options?: WorkflowRunOptions<TInput>): Promise<WorkflowResult<TResult>>
}

export interface WorkflowFunction<TInput = unknown, TResult = unknown> {
  /** `myWorkflow(container).run({ input })`, as in Medusa; without a container, an empty one is used. */
  (container?: AwilixContainer): WorkflowRunner<TInput, TResult>
  /** Shorthand for `myWorkflow(container).run(options)`. */
  run(options?: WorkflowRunOptions<TInput> & { container?: AwilixContainer }): Promise<WorkflowResult<TResult>>
  readonly workflowId: string
  getName(): string
}

/**
 * Defines a workflow. The composer runs once, now, to record the steps it calls; the
 * returned function runs them (with compensation on failure) each time `run` is called.
 */
export function createWorkflow<TComposerInput = unknown, TReturn = void>(
  nameOrConfig: string | WorkflowConfig,
  composer: (input: TComposerInput) => TReturn,
): WorkflowFunction<Resolved<TComposerInput>, ComposerResult<TReturn>> {
  const workflowId = typeof nameOrConfig === "string" ? nameOrConfig : nameOrConfig?.name
  if (typeof workflowId !== "string" || workflowId.length === 0) {
    throw new Error("createWorkflow needs a name: createWorkflow(name, composer)")
  }

  const composition = new WorkflowComposition(workflowId)
  const returned: unknown = composeWith(composition, () => composer(composition.inputReference() as TComposerInput))
  if (returned instanceof Promise) {
    // Steps recorded after an await would land outside the composition; fail loudly instead.
    throw new Error(`The composer of workflow "${workflowId}" must be synchronous: it records steps, it does not run them.`)
  }
  const response = returned instanceof WorkflowResponse ? returned.result : returned
  composition.assertOwnReferences(response, "WorkflowResponse")
  composition.seal()

  const definition: WorkflowDefinition = { workflowId, nodes: [...composition.nodes], response }
  type Runner = WorkflowRunner<Resolved<TComposerInput>, ComposerResult<TReturn>>

  const workflow = (container?: AwilixContainer): Runner => ({
    run: (options = {}) =>
      runWorkflow(definition, container ?? createContainer(), options) as Promise<
        WorkflowResult<ComposerResult<TReturn>>
      >,
  })
  const run: WorkflowFunction<Resolved<TComposerInput>, ComposerResult<TReturn>>["run"] = ({ container, ...options } = {}) =>
    workflow(container).run(options)

  return Object.assign(workflow, { run, workflowId, getName: () => workflowId })
}
