import { MedusaError } from "../modules-sdk/medusa-error"
import { currentComposition, type NodeOutcome, type WorkflowComposition } from "./composition"
import type { StepResponse } from "./responses"
import { toNodeOutcome, type CompensateFn } from "./step"
import type { Resolved, StepExecutionContext, WorkflowData } from "./types"

/**
 * A schema in the Standard Schema shape (`~standard.validate`), which zod, valibot and arktype all
 * implement; Medusa's `resultValidator` takes the same. Declared here so the SDK needs no schema
 * library of its own.
 */
export interface StandardSchema<TOutput = unknown> {
  readonly "~standard": {
    readonly validate: (value: unknown) => StandardResult<TOutput> | Promise<StandardResult<TOutput>>
  }
}

export type StandardResult<TOutput> =
  | { readonly value: TOutput; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] }

export interface StandardIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>
}

type Awaitable<T> = T | Promise<T>

/**
 * What an app registers on a hook: receives the hook's input and the run's context
 * (`{ container }` …); may return a `StepResponse` whose compensate input its compensation gets.
 */
export type HookHandler<TInput, TCompensateInput = unknown> = (
  input: TInput,
  context: StepExecutionContext,
) => Awaitable<void | StepResponse<unknown, TCompensateInput>>

/** `workflow.hooks.<name>(handler, compensate?)`: one handler per hook, as in Medusa. */
export type HookRegistrar<TInput> = <TCompensateInput = unknown>(
  handler: HookHandler<TInput, TCompensateInput>,
  compensate?: CompensateFn<TCompensateInput>,
) => void

/** What `createHook` returns inside a composer; list it in `new WorkflowResponse(result, { hooks })` to type `workflow.hooks`. */
export interface Hook<Name extends string = string, TInput = unknown, TOutput = unknown> {
  readonly name: Name
  /** The handler's result (validated when the hook has a `resultValidator`); undefined when no handler is registered. */
  getResult(): WorkflowData<TOutput | undefined>
  /** Type-only: the hook's input and result types (the leading space keeps them out of autocompletion). */
  readonly " input"?: TInput
  readonly " output"?: TOutput
}

/** `workflow.hooks`, typed from the hooks a composer lists in its WorkflowResponse. */
export type HookRegistrars<THooks extends readonly Hook<string, any, any>[]> = {
  readonly [H in THooks[number] as H["name"]]: HookRegistrar<Resolved<NonNullable<H[" input"]>>>
}

/** What a hook step produced in one run: whether a handler ran, and what it returned. */
class HookOutcome {
  constructor(
    readonly handled: boolean,
    readonly result: unknown,
  ) {}
}

/** A hook's registration slot, shared by every run of the workflow. */
export class HookSlot {
  private handler?: { invoke: HookHandler<unknown>; compensate?: CompensateFn<unknown> }

  constructor(
    readonly name: string,
    readonly workflowId: string,
  ) {}

  register(invoke: unknown, compensate?: unknown): void {
    if (typeof invoke !== "function") {
      throw new Error(`The ${this.name} hook of workflow "${this.workflowId}" takes a handler function: hooks.${this.name}(async (input, { container }) => { … })`)
    }
    if (compensate !== undefined && typeof compensate !== "function") {
      throw new Error(`The compensation of the ${this.name} hook of workflow "${this.workflowId}" must be a function when given.`)
    }
    // Medusa's rule and message: a second handler would silently replace the first one's work.
    if (this.handler) {
      throw new Error(
        `Cannot define multiple hook handlers for the ${this.name} hook (workflow "${this.workflowId}"): register one handler and do all the work in it.`,
      )
    }
    this.handler = { invoke: invoke as HookHandler<unknown>, compensate: compensate as CompensateFn<unknown> | undefined }
  }

  async invoke(input: unknown, context: StepExecutionContext): Promise<NodeOutcome> {
    // Read at run time: handlers are registered after the workflow is defined (an app's hook files).
    const handler = this.handler
    if (!handler) return { output: new HookOutcome(false, undefined), compensateInput: new HookOutcome(false, undefined) }
    const { output, compensateInput } = toNodeOutcome(await handler.invoke(input, context))
    return { output: new HookOutcome(true, output), compensateInput: new HookOutcome(true, compensateInput) }
  }

  async compensate(compensateInput: unknown, context: StepExecutionContext): Promise<void> {
    if (!(compensateInput instanceof HookOutcome) || !compensateInput.handled) return
    await this.handler?.compensate?.(compensateInput.result, context)
  }
}

/**
 * Declares a hook: a point in the workflow where an app can run its own code with `input`
 * (`workflow.hooks.<name>(handler, compensate?)`). Without a handler the hook does nothing. The
 * handler runs as a step: if a later step fails, its compensation runs with the rest.
 */
export function createHook<Name extends string, TInput, TOutput = unknown>(
  name: Name,
  input: TInput,
  options: { resultValidator?: StandardSchema<TOutput> } = {},
): Hook<Name, TInput, TOutput> {
  const composition = currentComposition(`createHook("${String(name)}")`)
  if (typeof name !== "string" || name.length === 0) throw new Error("createHook needs a name: createHook(name, input)")
  const validator = options.resultValidator
  if (validator !== undefined && typeof validator?.["~standard"]?.validate !== "function") {
    throw new Error(`createHook("${name}"): resultValidator must be a schema such as z.object({ … }) (a Standard Schema).`)
  }
  const slot = new HookSlot(name, composition.workflowId)
  composition.registerHook(slot)
  const outcome = composition.record({
    baseName: name,
    input,
    execute: (resolved, context) => slot.invoke(resolved, context),
    compensate: (compensateInput, context) => slot.compensate(compensateInput, context),
    configurable: false,
  })

  let result: WorkflowData<TOutput | undefined> | undefined
  const getResult = () => (result ??= recordResult(composition, name, outcome, validator))
  // With a validator the result is checked right after the handler, whether or not the composer
  // reads it: a handler's bad result fails the run (and its compensation runs) at that point.
  if (validator) getResult()
  return { name, getResult }
}

/** The step that reads a hook's result (Medusa's `get-<name>-result`), validating it when asked to. */
function recordResult<TOutput>(
  composition: WorkflowComposition,
  name: string,
  outcome: unknown,
  validator: StandardSchema<TOutput> | undefined,
): WorkflowData<TOutput | undefined> {
  const execute = async (hookOutcome: unknown, context: StepExecutionContext): Promise<NodeOutcome> => {
    // No handler (or the hook was skipped by a `when`): the hook is as if absent, nothing to validate.
    if (!(hookOutcome instanceof HookOutcome) || !hookOutcome.handled) return { output: undefined, compensateInput: undefined }
    const output = validator ? await validateResult(validator, hookOutcome.result, name, context.workflowId) : hookOutcome.result
    return { output, compensateInput: undefined }
  }
  return composition.record({
    baseName: `get-${name}-result`,
    input: outcome,
    noCompensation: true,
    execute,
    configurable: false,
  }) as WorkflowData<TOutput | undefined>
}

async function validateResult<TOutput>(validator: StandardSchema<TOutput>, result: unknown, hook: string, workflowId: string): Promise<TOutput> {
  const checked = await validator["~standard"].validate(result)
  if (!checked.issues) return checked.value
  const problems = checked.issues.map(describeIssue).join("; ")
  // A handler's result is the app's own code, not the client's input: an unexpected state (500).
  const error = new MedusaError(
    MedusaError.Types.UNEXPECTED_STATE,
    `The ${hook} hook handler of workflow "${workflowId}" returned an invalid result: ${problems}. Fix the handler registered with hooks.${hook}(…) to return what the hook's resultValidator expects.`,
  )
  // Medusa's validation error carries the schema's issues; so does this one.
  return Promise.reject(Object.assign(error, { issues: checked.issues }))
}

function describeIssue(issue: StandardIssue): string {
  const path = (issue.path ?? []).map((part) => String(typeof part === "object" && part !== null && "key" in part ? part.key : part))
  return path.length ? `'${path.join(".")}': ${issue.message}` : issue.message
}
