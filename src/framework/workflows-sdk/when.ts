import { currentComposition, type NodeOutcome } from "./composition"
import { referenceTarget } from "./references"
import type { Resolved, StepExecutionContext, WorkflowData } from "./types"

export type WhenCondition<V> = (values: Resolved<V>, context: StepExecutionContext) => boolean | Promise<boolean>

/** What `then` gives back: the block's value, or undefined in runs where the condition is false. */
export type WhenResult<R> = [R] extends [void | undefined]
  ? undefined
  : R extends WorkflowData<infer T>
    ? WorkflowData<T | undefined>
    : WorkflowData<Resolved<R> | undefined>

export interface WhenThen {
  then<R>(block: () => R): WhenResult<R>
}

/**
 * Runs the steps recorded inside `.then(() => …)` only in runs where `condition(values)` is true,
 * as Medusa's `when` does; otherwise they are skipped (and never compensated). What the block
 * returns is undefined in a run where the condition is false. The optional name names the step
 * that carries the block's return value.
 */
export function when<V>(values: V, condition: WhenCondition<V>): WhenThen
export function when<V>(name: string, values: V, condition: WhenCondition<V>): WhenThen
export function when(...args: unknown[]): WhenThen {
  const [name, values, condition] = args.length >= 3 ? args : [undefined, args[0], args[1]]
  const composition = currentComposition("when()")
  // A reference is callable too (a proxy over a function), but it is a value, not a predicate.
  if (typeof condition !== "function" || referenceTarget(condition)) {
    throw new Error(`"when" condition must be a function: when(values, (values) => boolean).then(() => { … })`)
  }
  if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
    throw new Error(`when(name, values, condition): the name must be a non-empty string.`)
  }
  const close = composition.openWhen()
  return {
    then<R>(block: () => R): WhenResult<R> {
      composition.assertOpen("when(...).then()")
      if (typeof block !== "function") throw new Error(`when(...).then() takes a function that calls the steps to run conditionally.`)
      close()
      const predicate = condition as WhenCondition<unknown>
      return composition.withCondition({ values, predicate }, () => {
        const returned: unknown = block()
        if (returned instanceof Promise) {
          throw new Error(`The block of when(...).then() in workflow "${composition.workflowId}" must be synchronous: it records steps, it does not run them.`)
        }
        if (returned === undefined) return undefined
        // The returned value travels through a conditional node of its own, so that it is
        // undefined in runs where the block is skipped, whatever it refers to.
        const passOn = async (value: unknown): Promise<NodeOutcome> => ({ output: value, compensateInput: undefined })
        return composition.record({ baseName: (name as string | undefined) ?? "when-then", input: returned, execute: passOn, configurable: false })
      }) as WhenResult<R>
    },
  }
}
