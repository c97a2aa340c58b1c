export { createStep } from "./step"
export type { CompensateFn, InvokeFn, StepFunction, StepOutput } from "./step"
export { createWorkflow } from "./workflow"
export type { ComposerHooks, ComposerResult, WorkflowFunction, WorkflowRunner } from "./workflow"
export { transform } from "./transform"
export type { TransformFn } from "./transform"
export { createHook } from "./hook"
export type { Hook, HookHandler, HookRegistrar, HookRegistrars, StandardIssue, StandardResult, StandardSchema } from "./hook"
export { when } from "./when"
export type { WhenCondition, WhenResult, WhenThen } from "./when"
export { parallelize } from "./parallelize"
export { PermanentStepFailureError, StepResponse, WorkflowResponse } from "./responses"
export type { CompensationFailure } from "./run-workflow"
export type {
  AdditionalData,
  Resolved,
  StepConfig,
  StepExecutionContext,
  WorkflowConfig,
  WorkflowData,
  WorkflowInput,
  WorkflowResult,
  WorkflowRunContext,
  WorkflowRunOptions,
  WorkflowStepError,
  WorkflowTransactionSummary,
} from "./types"
