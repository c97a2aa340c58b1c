import type { AwilixContainer } from "awilix"

/**
 * Phantom brand carried by every workflow reference type. It only exists at the type level (the
 * runtime marker lives in references.ts), so a `WorkflowData<T>` is never mistaken for a `T`.
 */
declare const workflowDataType: unique symbol

type IsAny<T> = 0 extends 1 & T ? true : false

/** Values the resolver hands over as they are instead of walking into them. */
type Opaque = Date | RegExp | ((...args: never[]) => unknown)

/** What property access on a reference gives: a reference to that property path. */
type ReferenceShape<T> =
  IsAny<T> extends true
    ? { readonly [key: string]: WorkflowData<any> }
    : [NonNullable<T>] extends [readonly (infer Item)[]]
      ? { readonly [index: number]: WorkflowData<Item>; readonly length: WorkflowData<number> }
      : [NonNullable<T>] extends [Opaque]
        ? {}
        : [NonNullable<T>] extends [object]
          ? { readonly [K in keyof NonNullable<T>]-?: WorkflowData<NonNullable<T>[K]> }
          : {}

/**
 * A value that is only known when the workflow runs: the workflow input, a step's output, or a
 * property path inside one of them (`created[0].id`). Inside a composer it can be passed to steps,
 * `transform` and `WorkflowResponse`; it cannot be read, compared or called there.
 */
export type WorkflowData<T = unknown> = { readonly [workflowDataType]: T } & ReferenceShape<T>

/**
 * What a step accepts inside a composer: a plain value, a reference to one, or plain
 * objects/arrays that mix both (they are resolved deeply at run time).
 */
export type WorkflowInput<T> =
  | T
  | WorkflowData<T>
  | (T extends readonly (infer Item)[]
      ? readonly WorkflowInput<Item>[]
      : T extends Opaque
        ? never
        : T extends object
          ? { [K in keyof T]: WorkflowInput<T[K]> }
          : never)

/** The run-time type of a composer-time value: references replaced by what they point at. */
export type Resolved<T> = T extends { readonly [workflowDataType]: infer U }
  ? U
  : T extends Opaque
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Resolved<T[K]> }
      : T extends object
        ? { [K in keyof T]: Resolved<T[K]> }
        : T

/** Shared, caller-provided context of one run (Medusa's `context` run option). */
export interface WorkflowRunContext {
  /** Identifies the run; a random UUID when not given. */
  transactionId?: string
  /**
   * The run's event group (Medusa's): module events emitted by its steps are held by the event
   * bus and released when the run succeeds, dropped when it fails. A random UUID when not given.
   */
  eventGroupId?: string
  [key: string]: unknown
}

/** Second argument of every step invocation, compensation and transform function. */
export interface StepExecutionContext {
  /** The awilix scope created for this run; every step of the run sees the same one. */
  container: AwilixContainer
  workflowId: string
  /** The step's name inside the workflow (unique: `name-1`, `name-2` … for repeated uses). */
  stepName: string
  transactionId: string
  /** The run's event group (see WorkflowRunContext.eventGroupId). */
  eventGroupId: string
  /** The `context` passed to `run()` (an empty object when none was given). */
  context: WorkflowRunContext
}

export interface StepConfig {
  name: string
  /** Never compensate this step, even when it declares a compensation function. */
  noCompensation?: boolean
}

export interface WorkflowConfig {
  name: string
}

export interface WorkflowStepError {
  /** Name of the step (or transform) whose handler failed. */
  action: string
  handlerType: "invoke" | "compensate"
  error: unknown
}

export interface WorkflowTransactionSummary {
  transactionId: string
  workflowId: string
  /** `done`: all steps ran; `reverted`: a step failed and compensation succeeded; `failed`: a compensation failed too. */
  state: "done" | "reverted" | "failed"
}

export interface WorkflowResult<TResult> {
  /** The resolved workflow response; `undefined` when the run failed with `throwOnError: false`. */
  result: TResult
  errors: WorkflowStepError[]
  transaction: WorkflowTransactionSummary
}

export interface WorkflowRunOptions<TInput> {
  input?: TInput
  /** Default true: rethrow the failing step's error (after compensation) instead of returning it in `errors`. */
  throwOnError?: boolean
  context?: WorkflowRunContext
}

/**
 * Medusa's `AdditionalData`: what a caller (an admin route's body) passes through a workflow to its
 * hooks, for an app's own use. Any JSON object; an app route can declare its exact shape.
 */
export interface AdditionalData {
  additional_data?: Record<string, unknown> | null
}
