import { createReference, forEachReference, referenceTarget } from "./references"
import type { HookSlot } from "./hook"
import type { StepExecutionContext } from "./types"

/** What running a node produced: its output, and what its compensation (if any) will receive. */
export interface NodeOutcome {
  output: unknown
  compensateInput: unknown
}

/** A `when(values, predicate)` around a node: the node runs only if the predicate holds. */
export interface NodeCondition {
  /** What the predicate receives, references included; resolved when the node is about to run. */
  readonly values: unknown
  readonly predicate: (values: any, context: StepExecutionContext) => unknown
}

/** One recorded step, transform or hook, in the order the composer called it. */
export interface RecordedNode {
  readonly index: number
  name: string
  noCompensation: boolean
  /** The arguments as the composer passed them, references included; resolved at each run. */
  readonly input: unknown
  readonly execute: (input: unknown, context: StepExecutionContext) => Promise<NodeOutcome>
  readonly compensate?: (compensateInput: unknown, context: StepExecutionContext) => unknown
  /** Every enclosing `when`, outermost first; all must hold for the node to run. */
  readonly conditions: readonly NodeCondition[]
}

/** What runs at one time: one node, or the nodes of one `parallelize(...)`, concurrently. */
export interface Stage {
  readonly id: number
  readonly nodes: readonly RecordedNode[]
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
  private readonly conditionStack: NodeCondition[] = []
  /** `when`s whose `.then` has not been called yet; the composer is incomplete while any is left. */
  private readonly openWhens = new Set<object>()
  /** Each node of a parallelize() group, by index, mapped to its whole group (in argument order). */
  private readonly groups = new Map<number, readonly RecordedNode[]>()
  private readonly hookSlots = new Map<string, HookSlot>()
  private sealed = false

  constructor(readonly workflowId: string) {}

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
      conditions: [...this.conditionStack],
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

  /** Records what `body` records under `condition` (nested `when`s stack up). */
  withCondition<T>(condition: NodeCondition, body: () => T): T {
    this.assertOwnReferences(condition.values, "when")
    this.conditionStack.push(condition)
    try {
      return body()
    } finally {
      this.conditionStack.pop()
    }
  }

  /** Marks a `when` as waiting for its `.then`; the returned function marks it done. */
  openWhen(): () => void {
    const token = {}
    this.openWhens.add(token)
    return () => {
      if (!this.openWhens.delete(token)) throw new Error(`when(...).then() can only be called once, in workflow "${this.workflowId}".`)
    }
  }

  /** The workflow's hooks by name, as `workflow.hooks` exposes them. */
  get hooks(): ReadonlyMap<string, HookSlot> {
    return this.hookSlots
  }

  /** A workflow exposes each hook under its name, so two hooks of one workflow cannot share one. */
  registerHook(slot: HookSlot): void {
    if (this.hookSlots.has(slot.name)) {
      throw new Error(`Workflow "${this.workflowId}" already has a hook named "${slot.name}"; hook names must be unique in a workflow.`)
    }
    this.hookSlots.set(slot.name, slot)
  }

  /**
   * Marks step outputs to run concurrently. The steps were recorded (in order) as the arguments
   * were evaluated; nodes recorded between them (a transform feeding one of them) run before the
   * group, so none of them, and no member, may use a member's output.
   */
  parallelize(outputs: readonly unknown[]): void {
    if (outputs.length === 0) throw new Error(`parallelize() in workflow "${this.workflowId}" needs at least one step.`)
    const members = outputs.map((output) => this.parallelMember(output))
    const indexes = new Set(members.map((node) => node.index))
    if (indexes.size !== members.length) {
      throw new Error(`parallelize() in workflow "${this.workflowId}" received the same step twice.`)
    }
    const first = Math.min(...indexes)
    const last = Math.max(...indexes)
    for (const node of this.recorded.slice(first, last + 1)) {
      if (!indexes.has(node.index) && this.groups.has(node.index)) {
        throw new Error(`parallelize() groups cannot interleave in workflow "${this.workflowId}": "${node.name}" already runs in another group.`)
      }
      for (const used of this.sourcesOf(node)) {
        if (indexes.has(used) && used !== node.index) {
          throw new Error(
            `"${node.name}" uses the output of "${this.recorded[used].name}", which runs in parallel with it (parallelize) in workflow ` +
              `"${this.workflowId}". Steps in one parallelize() cannot use each other's results; call the dependent step after it.`,
          )
        }
      }
    }
    for (const node of members) this.groups.set(node.index, members)
  }

  /** The run order: nodes as recorded, except that a parallelize() group runs where its last member was recorded. */
  stages(): Stage[] {
    const stages: Stage[] = []
    for (const node of this.recorded) {
      const group = this.groups.get(node.index)
      if (!group) stages.push({ id: stages.length, nodes: [node] })
      else if (node.index === Math.max(...group.map((member) => member.index))) stages.push({ id: stages.length, nodes: group })
    }
    return stages
  }

  seal(): void {
    if (this.openWhens.size > 0) {
      throw new Error(`".then" is missing after "when" condition in workflow "${this.workflowId}": write when(values, condition).then(() => { … }).`)
    }
    this.sealed = true
  }

  assertOpen(caller: string): void {
    if (this.sealed || currentCompositionOrUndefined() !== this) {
      throw new Error(`${caller} can only be called inside the composer of workflow "${this.workflowId}".`)
    }
  }

  private parallelMember(output: unknown): RecordedNode {
    const target = referenceTarget(output)
    if (!target || target.owner !== this || typeof target.source !== "number" || target.path.length > 0) {
      throw new Error(
        `parallelize() in workflow "${this.workflowId}" takes the outputs of steps called in this workflow, ` +
          `e.g. parallelize(stepA(input), stepB(input)); pass whole outputs, not a property of one.`,
      )
    }
    const node = this.recorded[target.source]
    if (this.groups.has(node.index)) {
      throw new Error(`"${node.name}" is already in a parallelize() group of workflow "${this.workflowId}".`)
    }
    return node
  }

  /** The nodes whose outputs `node` reads, in its input or in its conditions. */
  private sourcesOf(node: RecordedNode): number[] {
    const sources: number[] = []
    const visit = (value: unknown) =>
      forEachReference(value, (target) => {
        if (typeof target.source === "number") sources.push(target.source)
      })
    visit(node.input)
    for (const condition of node.conditions) visit(condition.values)
    return sources
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

function currentCompositionOrUndefined(): WorkflowComposition | undefined {
  return activeComposition
}

export function currentComposition(caller: string): WorkflowComposition {
  if (!activeComposition) {
    throw new Error(
      `${caller} was called outside of a workflow. Steps, transform(), when(), parallelize() and createHook() only record themselves ` +
        `inside the composer function of createWorkflow(); run the workflow to execute them.`,
    )
  }
  return activeComposition
}
