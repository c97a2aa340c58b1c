import type { Hook } from "./hook"

/**
 * What a step's invoke function returns: its output (what later steps and the workflow result
 * see) and, separately, what its compensation needs to undo it (for instance only the created ids).
 */
export class StepResponse<TOutput = unknown, TCompensateInput = TOutput> {
  readonly output: TOutput
  readonly compensateInput: TCompensateInput

  constructor(output?: TOutput, compensateInput?: TCompensateInput) {
    this.output = output as TOutput
    // As in Medusa: without a (non-nullish) compensate input, the compensation receives the output.
    this.compensateInput = (compensateInput ?? output) as TCompensateInput
  }

  /**
   * Fails the step on purpose. Medusa uses this to skip retries; these workflows never retry, so
   * it simply fails the step, and the completed steps before it are compensated as for any error.
   */
  static permanentFailure(message = "Permanent failure"): never {
    throw new PermanentStepFailureError(message)
  }
}

export class PermanentStepFailureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "PermanentStepFailureError"
  }
}

/**
 * What a composer returns to say which (possibly referenced) value is the workflow's result.
 * `hooks` lists the composer's hooks, as in Medusa, so `workflow.hooks.<name>` is typed; every
 * hook of the composer is exposed at run time whether listed or not.
 */
export class WorkflowResponse<TResult = unknown, THooks extends readonly Hook<string, any, any>[] = []> {
  // A private member makes the type nominal, so a reference to an output that happens to have a
  // `result` property is never typed as a WorkflowResponse.
  private readonly isWorkflowResponse = true

  constructor(
    readonly result: TResult,
    readonly options?: { hooks?: THooks },
  ) {}
}
