import { currentComposition, type NodeOutcome } from "./composition"
import type { Resolved, StepExecutionContext, WorkflowData } from "./types"

export type TransformFn<TIn, TOut> = (input: TIn, context: StepExecutionContext) => TOut | Promise<TOut>

/**
 * Computes a new value from references. The functions run at run time, in order with the steps
 * (they are recorded as a node without compensation): the first receives `values` resolved, each
 * next one the previous result. Returns a reference to the last result.
 */
export function transform<V, R>(values: V, fn: TransformFn<Resolved<V>, R>): WorkflowData<R>
export function transform<V, A, R>(
  values: V,
  fn1: TransformFn<Resolved<V>, A>,
  fn2: TransformFn<A, R>,
): WorkflowData<R>
export function transform<V, A, B, R>(
  values: V,
  fn1: TransformFn<Resolved<V>, A>,
  fn2: TransformFn<A, B>,
  fn3: TransformFn<B, R>,
): WorkflowData<R>
export function transform(values: unknown, ...fns: TransformFn<any, unknown>[]): WorkflowData<unknown>
export function transform(values: unknown, ...fns: TransformFn<any, unknown>[]): WorkflowData<unknown> {
  const composition = currentComposition("transform()")
  if (fns.length === 0 || fns.some((fn) => typeof fn !== "function")) {
    throw new Error("transform(values, ...functions) needs at least one function.")
  }

  const execute = async (resolved: unknown, context: StepExecutionContext): Promise<NodeOutcome> => {
    let value = resolved
    for (const fn of fns) value = await fn(value, context)
    return { output: value, compensateInput: undefined }
  }

  return composition.record({
    baseName: "transform",
    input: values,
    execute,
    configurable: false,
  }) as WorkflowData<unknown>
}
