import type { RecordedNode, Stage } from "./composition"
import { resolveValue, type ReferenceSource } from "./references"
import type { StepExecutionContext } from "./types"

/** A node that ran to completion, and what its compensation will receive. */
export interface Compensable {
  node: RecordedNode
  compensateInput: unknown
  /** Nodes of one parallelize() group share a stage and are compensated together. */
  stageId: number
}

export interface StageFailure {
  node: RecordedNode
  error: unknown
}

/** The state of one run that its stages read and add to. */
export interface RunState {
  readonly lookup: (source: ReferenceSource) => unknown
  readonly outputs: Map<number, unknown>
  readonly completed: Compensable[]
  readonly contextFor: (node: RecordedNode) => StepExecutionContext
}

/**
 * Runs a stage's nodes (one, or a parallelize() group at once) and records the ones that
 * completed. A group always waits for all its nodes, so a failure never leaves a sibling running
 * while the compensation starts. Returns the failures, in the group's order.
 */
export async function runStage(stage: Stage, state: RunState): Promise<StageFailure[]> {
  const settled = await Promise.allSettled(stage.nodes.map((node) => runNode(node, state)))
  const failures: StageFailure[] = []
  settled.forEach((outcome, i) => {
    const node = stage.nodes[i]
    if (outcome.status === "rejected") failures.push({ node, error: outcome.reason })
    else if (outcome.value.ran) state.completed.push({ node, compensateInput: outcome.value.compensateInput, stageId: stage.id })
  })
  return failures
}

/** Runs a node unless one of its `when` conditions is false; a skipped node outputs undefined. */
async function runNode(node: RecordedNode, state: RunState): Promise<{ ran: boolean; compensateInput?: unknown }> {
  const context = state.contextFor(node)
  for (const condition of node.conditions) {
    if (!(await condition.predicate(resolveValue(condition.values, state.lookup), context))) return { ran: false }
  }
  const outcome = await node.execute(resolveValue(node.input, state.lookup), context)
  state.outputs.set(node.index, outcome.output)
  return { ran: true, compensateInput: outcome.compensateInput }
}
