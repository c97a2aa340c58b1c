import { currentComposition } from "./composition"
import type { WorkflowData } from "./types"

/**
 * Runs the given steps at the same time and returns their outputs in the order given, as
 * Medusa's `parallelize` does: `const [a, b] = parallelize(stepA(input), stepB(input))`. If one
 * fails, the others still finish, then every completed step of the run is compensated.
 */
export function parallelize<TOutputs extends WorkflowData<unknown>[]>(...outputs: TOutputs): TOutputs {
  currentComposition("parallelize()").parallelize(outputs)
  return outputs
}
