import { createReference, forEachReference } from "./references"
import type { StepExecutionContext } from "./types"

/** What running a node produced: its output, and what its compensation (if any) will receive. */
export interface NodeOutcome {
  output: unknown
  compensateInput: unknown
}

/** One recorded step or transform, in the order the composer called it. */
export interface RecordedNode {
  readonly index: number
  name: string
  noCompensation: boolean
  /** The arguments as the composer passed them, references included; resolved at each run. */
  readonly input: unknown
  readonly execute: (input: unknown, context: StepExecutionContext) => Promise<NodeOutcome>
  readonly compensate?: (compensateInput: unknown, context: StepExecutionContext) => unknown
}

export interface NodeSpec {
  baseName: string
  input: unknown
  noCompensation?: boolean
  execute: RecordedNode["execute"]
  compensate?: RecordedNode["compensate"]
  /** Steps accept `.config({ name })` on their output; transforms do not. */
  configurable: boolean
}

/**
 * The recording made while one composer runs. It is only mutated during `createWorkflow`; once
 * sealed it is read-only, so any number of runs can share it concurrently.
 */
export class WorkflowComposition {
  private readonly recorded: RecordedNode[] = []
  private readonly usedNames = new Set<string>()
  private sealed = false

  constructor(readonly workflowId: string) {}

  get nodes(): readonly RecordedNode[] {
    return this.recorded
  }

  inputReference(): unknown {
    return createReference({ owner: this, source: "input", path: [], sourceName: () => "input" })
  }

  record(spec: NodeSpec): unknown {
    this.assertOwnReferences(spec.input, spec.baseName)
    const node: RecordedNode = {
      index: this.recorded.length,
      name: this.uniqueName(spec.baseName),
      noCompensation: spec.noCompensation ?? false,
      input: spec.input,
      execute: spec.execute,
      compensate: spec.compensate,
    }
    this.usedNames.add(node.name)
    this.recorded.push(node)
    return createReference({
      owner: this,
      source: node.index,
      path: [],
      sourceName: () => node.name,
      configure: spec.configurable ? (options) => this.configure(node, options) : undefined,
    })
  }

  /** Rejects references recorded by another workflow: their source would not exist in this one. */
  assertOwnReferences(value: unknown, usedBy: string): void {
    forEachReference(value, (target) => {
      if (target.owner !== this) {
        throw new Error(
          `"${usedBy}" in workflow "${this.workflowId}" received a value from another workflow ` +
            `("${target.sourceName()}"); references can only be used in the composer that created them.`,
        )
      }
    })
  }

  seal(): void {
    this.sealed = true
  }

  /**
   * Medusa requires a distinct name for every use of a step in one workflow. Rather than failing,
   * a repeated use gets `name-1`, `name-2` …; `.config({ name })` chooses an explicit one.
   */
  private uniqueName(baseName: string): string {
    if (!this.usedNames.has(baseName)) return baseName
    let suffix = 1
    while (this.usedNames.has(`${baseName}-${suffix}`)) suffix += 1
    return `${baseName}-${suffix}`
  }

  private configure(node: RecordedNode, options: unknown): void {
    if (this.sealed) {
      throw new Error(`Step "${node.name}" can only be configured inside the composer of workflow "${this.workflowId}".`)
    }
    const { name, noCompensation } = (options ?? {}) as Partial<{ name: unknown; noCompensation: unknown }>
    if (noCompensation !== undefined) node.noCompensation = Boolean(noCompensation)
    if (name === undefined || name === node.name) return
    if (typeof name !== "string" || name.length === 0) {
      throw new Error(`Step "${node.name}": config({ name }) needs a non-empty string.`)
    }
    if (this.usedNames.has(name)) {
      throw new Error(`Workflow "${this.workflowId}" already has a step named "${name}"; step names must be unique.`)
    }
    this.usedNames.delete(node.name)
    this.usedNames.add(name)
    node.name = name
  }
}

let activeComposition: WorkflowComposition | undefined

/**
 * Runs a composer with `composition` as the recording target. A module-level slot is safe here
 * because composers are synchronous: nothing else can run between setting and restoring it.
 */
export function composeWith<T>(composition: WorkflowComposition, composer: () => T): T {
  const previous = activeComposition
  activeComposition = composition
  try {
    return composer()
  } finally {
    activeComposition = previous
  }
}

export function currentComposition(caller: string): WorkflowComposition {
  if (!activeComposition) {
    throw new Error(
      `${caller} was called outside of a workflow. Steps and transform() only record themselves ` +
        `inside the composer function of createWorkflow(); run the workflow to execute them.`,
    )
  }
  return activeComposition
}
