import { createContainer, type AwilixContainer } from "awilix"
import { composeWith, WorkflowComposition } from "./composition"
import type { Hook, HookRegistrar, HookRegistrars } from "./hook"
import { WorkflowResponse } from "./responses"
import { runWorkflow, type WorkflowDefinition } from "./run-workflow"
import type { Resolved, WorkflowConfig, WorkflowResult, WorkflowRunOptions } from "./types"

/** The result type of a composer's return value. */
export type ComposerResult<TReturn> = [TReturn] extends [void]
  ? undefined
  : TReturn extends WorkflowResponse<infer TValue, any>
    ? Resolved<TValue>
    : Resolved<TReturn>

/**
 * `workflow.hooks`: one typed registrar per hook the composer lists in
 * `new WorkflowResponse(result, { hooks })`; a composer that lists none gets untyped registrars
 * (its hooks exist at run time all the same).
 */
export type ComposerHooks<TReturn> = TReturn extends WorkflowResponse<any, infer THooks extends readonly Hook<string, any, any>[]>
  ? THooks extends readonly []
    ? UntypedHooks
    : HookRegistrars<THooks>
  : UntypedHooks

type UntypedHooks = Readonly<Record<string, HookRegistrar<any>>>

export interface WorkflowRunner<TInput, TResult> {
  run(options?: WorkflowRunOptions<TInput>): Promise<WorkflowResult<TResult>>
}

export interface WorkflowFunction<TInput = unknown, TResult = unknown, THooks = {}> {
  /** `myWorkflow(container).run({ input })`, as in Medusa; without a container, an empty one is used. */
  (container?: AwilixContainer): WorkflowRunner<TInput, TResult>
  /** Shorthand for `myWorkflow(container).run(options)`. */
  run(options?: WorkflowRunOptions<TInput> & { container?: AwilixContainer }): Promise<WorkflowResult<TResult>>
  /** `workflow.hooks.<name>(handler, compensate?)` registers the one handler of each createHook(name, …). */
  readonly hooks: THooks
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
): WorkflowFunction<Resolved<TComposerInput>, ComposerResult<TReturn>, ComposerHooks<TReturn>> {
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

  const definition: WorkflowDefinition = { workflowId, stages: composition.stages(), response }
  type Runner = WorkflowRunner<Resolved<TComposerInput>, ComposerResult<TReturn>>

  const workflow = (container?: AwilixContainer): Runner => ({
    run: (options = {}) =>
      runWorkflow(definition, container ?? createContainer(), options) as Promise<
        WorkflowResult<ComposerResult<TReturn>>
      >,
  })
  const run: WorkflowFunction<Resolved<TComposerInput>, ComposerResult<TReturn>>["run"] = ({ container, ...options } = {}) =>
    workflow(container).run(options)
  const hooks: Record<string, (handler: unknown, compensate?: unknown) => void> = {}
  for (const [name, slot] of composition.hooks) hooks[name] = (handler, compensate) => slot.register(handler, compensate)

  return Object.assign(workflow, { run, hooks: Object.freeze(hooks) as ComposerHooks<TReturn>, workflowId, getName: () => workflowId })
}
