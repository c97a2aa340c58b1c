import { randomUUID } from "node:crypto"
import type { AwilixContainer } from "awilix"
import type { RecordedNode } from "./composition"
import { resolveValue, type ReferenceSource } from "./references"
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
  readonly nodes: readonly RecordedNode[]
  /** The composer's response, references included; resolved deeply once every node has run. */
  readonly response: unknown
}

/** Error thrown by a run whose compensation also failed: the original error, with these attached. */
export interface CompensationFailure {
  action: string
  error: unknown
}

interface Compensable {
  node: RecordedNode
  compensateInput: unknown
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
  const outputs = new Map<number, unknown>()
  const lookup = (source: ReferenceSource) => (source === "input" ? input : outputs.get(source))
  const contextFor = (node: RecordedNode): StepExecutionContext => ({
    container: scope,
    workflowId: definition.workflowId,
    stepName: node.name,
    transactionId,
    context,
  })
  const summary = (state: WorkflowTransactionSummary["state"]): WorkflowTransactionSummary => ({
    transactionId,
    workflowId: definition.workflowId,
    state,
  })

  const completed: Compensable[] = []
  for (const node of definition.nodes) {
    try {
      const outcome = await node.execute(resolveValue(node.input, lookup), contextFor(node))
      outputs.set(node.index, outcome.output)
      completed.push({ node, compensateInput: outcome.compensateInput })
    } catch (error) {
      // The failing step itself is not compensated: it is expected to leave nothing behind.
      const compensationFailures = await compensate(completed, contextFor)
      if (throwOnError) throw withCompensationFailures(error, compensationFailures)
      const errors: WorkflowStepError[] = [
        { action: node.name, handlerType: "invoke", error },
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
 * Undoes completed steps, last first. A failing compensation does not stop the others: each
 * step's undo is independent, and stopping would leave more behind than the one failure does.
 * Compensations are called even when the compensate input is undefined, as Medusa does.
 */
async function compensate(
  completed: readonly Compensable[],
  contextFor: (node: RecordedNode) => StepExecutionContext,
): Promise<CompensationFailure[]> {
  const failures: CompensationFailure[] = []
  for (const { node, compensateInput } of [...completed].reverse()) {
    if (!node.compensate || node.noCompensation) continue
    try {
      await node.compensate(compensateInput, contextFor(node))
    } catch (error) {
      failures.push({ action: node.name, error })
    }
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
