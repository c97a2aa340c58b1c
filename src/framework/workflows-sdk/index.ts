export { createStep } from "./step"
export type { CompensateFn, InvokeFn, StepFunction, StepOutput } from "./step"
export { createWorkflow } from "./workflow"
export type { ComposerResult, WorkflowFunction, WorkflowRunner } from "./workflow"
export { transform } from "./transform"
export type { TransformFn } from "./transform"
export { PermanentStepFailureError, StepResponse, WorkflowResponse } from "./responses"
export type { CompensationFailure } from "./run-workflow"
export type {
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
