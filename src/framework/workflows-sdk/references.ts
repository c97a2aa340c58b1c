/**
 * Composer-time references and their run-time resolution.
 *
 * A composer runs once, when the workflow is defined, long before any input or step output
 * exists. Everything it handles is therefore a reference: a proxy that records where a value will
 * come from (the workflow input or a recorded node) and which property path to follow inside it.
 * Property access extends the path, so `created[0].id` is itself a reference.
 */

const REFERENCE = Symbol("workflows-sdk.reference")

/** Where a reference points: the run's input, or the output of the node with that index. */
export type ReferenceSource = "input" | number

export interface ReferenceTarget {
  /** The composition that created the reference; references never cross workflows. */
  readonly owner: object
  readonly source: ReferenceSource
  readonly path: readonly string[]
  /** Name of the source for error messages; a function because `.config({ name })` renames steps. */
  readonly sourceName: () => string
  /** Set on step outputs only: applies `step(input).config({ name })`. */
  readonly configure?: (options: unknown) => void
}

export function createReference(target: ReferenceTarget): unknown {
  // The proxy target is a function so that a reference can also be called: that is how
  // `step(input).config({ name })` works without hiding a `config` property of the output, and
  // it lets every other call fail with an explanation instead of "x is not a function".
  // An arrow function has no `prototype`/`arguments` own properties whose proxy invariants the
  // `get` trap below would break.
  const callable = () => undefined
  return new Proxy(callable, {
    get(_fn, property) {
      if (property === REFERENCE) return target
      // `then` must stay undefined, or returning a reference from an async function or awaiting
      // it would treat it as a promise. Other symbols (iterators, toPrimitive …) are not paths.
      if (property === "then" || typeof property === "symbol") return undefined
      return createReference({ ...target, path: [...target.path, property] })
    },
    apply(_fn, _this, args) {
      const isConfigCall = target.path.length === 1 && target.path[0] === "config"
      if (isConfigCall && target.configure) {
        target.configure(args[0])
        return createReference({ ...target, path: [] })
      }
      throw new TypeError(
        `${describeReference(target)} is a workflow reference and cannot be called inside the composer: ` +
          `its value is only known when the workflow runs. Compute with it in transform() or in a step.`,
      )
    },
    ownKeys() {
      throw new TypeError(
        `${describeReference(target)} is a workflow reference and cannot be spread or enumerated inside the composer. ` +
          `Pick its properties one by one, or build the object in transform().`,
      )
    },
    set() {
      throw new TypeError(`${describeReference(target)} is a workflow reference and cannot be assigned to.`)
    },
  })
}

export function referenceTarget(value: unknown): ReferenceTarget | undefined {
  if (typeof value !== "function") return undefined
  return (value as unknown as Record<symbol, ReferenceTarget | undefined>)[REFERENCE]
}

function describeReference(target: ReferenceTarget): string {
  const path = target.path.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`)).join("")
  return `"${target.sourceName()}${path}"`
}

/** Only literal objects and arrays are walked; class instances (Date, Buffer, entities) are values. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** Calls `visit` for every reference inside `value`, walking plain objects and arrays. */
export function forEachReference(value: unknown, visit: (target: ReferenceTarget) => void): void {
  const target = referenceTarget(value)
  if (target) return visit(target)
  if (Array.isArray(value)) return value.forEach((item) => forEachReference(item, visit))
  if (isPlainObject(value)) Object.values(value).forEach((item) => forEachReference(item, visit))
}

/**
 * Replaces every reference inside `value` by its run-time value. Plain objects and arrays are
 * copied even when they hold no reference, so a step that mutates its input cannot change the
 * literal recorded in the (shared) definition and leak into later runs.
 */
export function resolveValue(value: unknown, lookup: (source: ReferenceSource) => unknown): unknown {
  const target = referenceTarget(value)
  if (target) return followPath(lookup(target.source), target.path)
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, lookup))
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, not assignment: an own "__proto__" key must stay a plain key.
      Object.defineProperty(copy, key, {
        value: resolveValue(item, lookup),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return copy
  }
  return value
}

/** Like optional chaining: a missing intermediate value resolves to undefined rather than throwing. */
function followPath(root: unknown, path: readonly string[]): unknown {
  let current = root
  for (const key of path) {
    if (current === null || current === undefined) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
