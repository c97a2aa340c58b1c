import { randomUUID } from "node:crypto"
import type { AwilixContainer } from "awilix"
import type { RecordedNode, Stage } from "./composition"
import { resolveValue, type ReferenceSource } from "./references"
import { runStage, type Compensable } from "./run-stage"
import { currentEventGroupId, withEventGroup } from "../modules-sdk/event-groups"
import type {
  StepExecutionContext,
  WorkflowResult,
  WorkflowRunOptions,
  WorkflowStepError,
  WorkflowTransactionSummary,
} from "./types"

/** The immutable outcome of a composer: what to run, and what to return. */
export interface WorkflowDefinition {
  readonly workflowId: string
  /** The recorded nodes in run order: one per stage, or a parallelize() group together. */
  readonly stages: readonly Stage[]
  /** The composer's response, references included; resolved deeply once every node has run. */
  readonly response: unknown
}

/** Error thrown by a run whose compensation also failed: the original error, with these attached. */
export interface CompensationFailure {
  action: string
  error: unknown
}

/**
 * Executes one run. All run state (outputs, what to compensate, the scope) lives in this call,
 * never in the definition, so concurrent runs of one workflow cannot see each other's data.
 */
export async function runWorkflow(
  definition: WorkflowDefinition,
  container: AwilixContainer,
  options: WorkflowRunOptions<unknown>,
): Promise<WorkflowResult<unknown>> {
  const { input, throwOnError = true, context = {} } = options
  const scope = container.createScope()
  const transactionId = context.transactionId ?? randomUUID()
  // Module events of the run are held in its event group until it ends (Medusa's grouped events).
  // A run started inside another run's step joins that run's group, and the outer run ends it.
  const eventGroupId = context.eventGroupId ?? currentEventGroupId() ?? randomUUID()
  const ownsEventGroup = currentEventGroupId() !== eventGroupId
  const outputs = new Map<number, unknown>()
  const lookup = (source: ReferenceSource) => (source === "input" ? input : outputs.get(source))
  const contextFor = (node: RecordedNode): StepExecutionContext => ({
    container: scope,
    workflowId: definition.workflowId,
    stepName: node.name,
    transactionId,
    eventGroupId,
    context,
  })
  const summary = (state: WorkflowTransactionSummary["state"]): WorkflowTransactionSummary => ({
    transactionId,
    workflowId: definition.workflowId,
    state,
  })

  let result: WorkflowResult<unknown>
  try {
    result = await withEventGroup(eventGroupId, () => runSteps(definition, lookup, outputs, contextFor, throwOnError, summary))
  } catch (error) {
    if (ownsEventGroup) await endEventGroup(scope, eventGroupId, false)
    throw error
  }
  if (ownsEventGroup) await endEventGroup(scope, eventGroupId, result.errors.length === 0)
  return result
}

/**
 * Releases the run's grouped events when it succeeded (subscribers see them now), or drops them
 * when it failed: a change that was compensated emits nothing. The changes are committed either
 * way, so a bus that fails here is logged, not turned into a failed run.
 */
async function endEventGroup(container: AwilixContainer, eventGroupId: string, succeeded: boolean): Promise<void> {
  if (!container.hasRegistration("event_bus")) return
  const bus = container.resolve<{ releaseGroupedEvents?(id: string): Promise<void>; clearGroupedEvents?(id: string): Promise<void> }>("event_bus")
  try {
    await (succeeded ? bus.releaseGroupedEvents?.(eventGroupId) : bus.clearGroupedEvents?.(eventGroupId))
  } catch (error) {
    const logger = container.hasRegistration("logger") ? container.resolve<{ error(message: string): void }>("logger") : console
    logger.error(`Could not ${succeeded ? "release" : "clear"} the events of workflow event group ${eventGroupId}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

async function runSteps(
  definition: WorkflowDefinition,
  lookup: (source: ReferenceSource) => unknown,
  outputs: Map<number, unknown>,
  contextFor: (node: RecordedNode) => StepExecutionContext,
  throwOnError: boolean,
  summary: (state: WorkflowTransactionSummary["state"]) => WorkflowTransactionSummary
): Promise<WorkflowResult<unknown>> {
  const completed: Compensable[] = []
  for (const stage of definition.stages) {
    const failures = await runStage(stage, { lookup, outputs, completed, contextFor })
    if (failures.length > 0) {
      // A failing step itself is not compensated: it is expected to leave nothing behind.
      const compensationFailures = await compensate(completed, contextFor)
      if (throwOnError) throw withCompensationFailures(failures[0].error, compensationFailures)
      const errors: WorkflowStepError[] = [
        ...failures.map(({ node, error }) => ({ action: node.name, handlerType: "invoke" as const, error })),
        ...compensationFailures.map(({ action, error }) => ({ action, handlerType: "compensate" as const, error })),
      ]
      return {
        result: undefined,
        errors,
        transaction: summary(compensationFailures.length > 0 ? "failed" : "reverted"),
      }
    }
  }

  return { result: resolveValue(definition.response, lookup), errors: [], transaction: summary("done") }
}

/**
 * Undoes completed steps, last first; the steps of one parallelize() group are undone together,
 * as they ran. A failing compensation does not stop the others: each step's undo is independent,
 * and stopping would leave more behind than the one failure does. Compensations are called even
 * when the compensate input is undefined, as Medusa does.
 */
async function compensate(
  completed: readonly Compensable[],
  contextFor: (node: RecordedNode) => StepExecutionContext,
): Promise<CompensationFailure[]> {
  const failures: CompensationFailure[] = []
  const undo = async ({ node, compensateInput }: Compensable) => {
    if (!node.compensate || node.noCompensation) return
    try {
      await node.compensate(compensateInput, contextFor(node))
    } catch (error) {
      failures.push({ action: node.name, error })
    }
  }
  const newestFirst = [...completed].reverse()
  for (let i = 0; i < newestFirst.length; ) {
    const stageId = newestFirst[i].stageId
    let end = i
    while (end < newestFirst.length && newestFirst[end].stageId === stageId) end += 1
    await Promise.all(newestFirst.slice(i, end).map(undo))
    i = end
  }
  return failures
}

/**
 * The caller gets the original error object (its class and `type` are what HTTP handlers map),
 * with compensation failures attached rather than lost. A thrown primitive cannot carry them and
 * is rethrown as is.
 */
function withCompensationFailures(error: unknown, failures: CompensationFailure[]): unknown {
  if (failures.length > 0 && typeof error === "object" && error !== null) {
    ;(error as { compensationErrors?: CompensationFailure[] }).compensationErrors = failures
  }
  return error
}
