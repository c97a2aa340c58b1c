import { asValue, createContainer, type AwilixContainer } from "awilix"
import { z } from "zod"
import {
  createHook,
  createStep,
  createWorkflow,
  parallelize,
  StepResponse,
  transform,
  when,
  WorkflowResponse,
  type WorkflowData,
} from "../src/framework/workflows-sdk"

/** What the steps did, in order; registered in the container so steps reach it like any service. */
class Recorder {
  readonly events: string[] = []
  readonly compensations: string[] = []
}

function makeContainer(): AwilixContainer {
  const container = createContainer()
  container.register({ recorder: asValue(new Recorder()) })
  return container
}

const recorderOf = (container: AwilixContainer) => container.resolve<Recorder>("recorder")

/** A step that records its invocation and compensation and returns `output(input)`. */
function recordingStep<TInput, TOutput>(name: string, output: (input: TInput) => TOutput) {
  return createStep<TInput, TOutput>(
    name,
    (input, { container }) => {
      recorderOf(container).events.push(name)
      return new StepResponse(output(input))
    },
    (_compensateInput, { container }) => {
      recorderOf(container).compensations.push(name)
    },
  )
}

function failingStep(name: string, message = `${name} failed`) {
  return createStep(name, (_input: unknown, { container }) => {
    recorderOf(container).events.push(name)
    throw new Error(message)
  })
}

/** Resolves once `count` callers have arrived: steps that can only finish if they run at the same time. */
function rendezvous(count: number) {
  let arrived = 0
  let release!: () => void
  const all = new Promise<void>((resolve) => (release = resolve))
  return async () => {
    arrived += 1
    if (arrived === count) release()
    // Generous bound: it only fires if the steps were (wrongly) run one after the other.
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("steps did not run at the same time")), 10_000)))
    await Promise.race([all, timeout]).finally(() => clearTimeout(timer))
  }
}

describe("workflows-sdk composition helpers", () => {
  describe("when(...).then(...)", () => {
    const inside = recordingStep("inside", (n: number) => n * 10)
    const after = recordingStep("after", (value: number | undefined) => value ?? "nothing")
    const workflow = createWorkflow("when-basic", (input: WorkflowData<{ go: boolean; n: number }>) => {
      const result = when({ input }, ({ input }) => input.go).then(() => inside(input.n))
      return new WorkflowResponse({ result, after: after(result) })
    })

    it("runs the steps inside only in runs where the condition is true", async () => {
      const yes = makeContainer()
      const no = makeContainer()

      const ran = await workflow(yes).run({ input: { go: true, n: 4 } })
      const skipped = await workflow(no).run({ input: { go: false, n: 4 } })

      expect(ran.result).toEqual({ result: 40, after: 40 })
      expect(recorderOf(yes).events).toEqual(["inside", "after"])
      expect(skipped.result).toEqual({ result: undefined, after: "nothing" })
      expect(recorderOf(no).events).toEqual(["after"])
    })

    it("gives what the block returns, or undefined when the condition is false", async () => {
      const literal = createWorkflow("when-literal", (input: WorkflowData<{ ret: boolean }>) => {
        const value = when(input, (input) => input.ret).then(() => ({ hasValue: true, input: input.ret }))
        return new WorkflowResponse(value)
      })

      expect((await literal.run({ input: { ret: false } })).result).toBeUndefined()
      expect((await literal.run({ input: { ret: true } })).result).toEqual({ hasValue: true, input: true })
    })

    it("hands the condition the run-time values and the step context", async () => {
      const seen: unknown[] = []
      const count = recordingStep("count", (items: string[]) => items.length)
      const conditional = createWorkflow("when-values", (input: WorkflowData<{ items: string[] }>) => {
        const total = count(input.items)
        when({ total }, ({ total }, { container, workflowId }) => {
          seen.push({ total, workflowId, hasRecorder: container.hasRegistration("recorder") })
          return total > 1
        }).then(() => {
          recordingStep("many", () => "many")()
        })
      })

      const container = makeContainer()
      await conditional(container).run({ input: { items: ["a", "b"] } })
      await conditional(container).run({ input: { items: ["a"] } })

      expect(seen).toEqual([
        { total: 2, workflowId: "when-values", hasRecorder: true },
        { total: 1, workflowId: "when-values", hasRecorder: true },
      ])
      expect(recorderOf(container).events).toEqual(["count", "many", "count"])
    })

    it("compensates the steps that ran inside a block, in reverse order, and never the skipped ones", async () => {
      const stepA = recordingStep("a", () => "a")
      const stepB = recordingStep("b", () => "b")
      const stepC = recordingStep("c", () => "c")
      const stepD = recordingStep("d", () => "d")
      const compensated = createWorkflow("when-compensation", (input: WorkflowData<{ yes: boolean; no: boolean }>) => {
        stepA()
        when(input, (input) => input.yes).then(() => {
          stepB()
          stepC()
        })
        when(input, (input) => input.no).then(() => {
          stepD()
        })
        failingStep("e")()
      })
      const container = makeContainer()

      await expect(compensated(container).run({ input: { yes: true, no: false } })).rejects.toThrow("e failed")

      expect(recorderOf(container).events).toEqual(["a", "b", "c", "e"])
      expect(recorderOf(container).compensations).toEqual(["c", "b", "a"])
    })

    it("runs a nested block only when both conditions hold", async () => {
      const outer = recordingStep("outer", () => "outer")
      const nested = recordingStep("nested", () => "nested")
      const nesting = createWorkflow("when-nested", (input: WorkflowData<{ a: boolean; b: boolean }>) => {
        when(input, (input) => input.a).then(() => {
          outer()
          when(input, (input) => input.b).then(() => {
            nested()
          })
        })
      })
      const cases = [
        { a: true, b: true, events: ["outer", "nested"] },
        { a: true, b: false, events: ["outer"] },
        { a: false, b: true, events: [] },
      ]

      for (const { a, b, events } of cases) {
        const container = makeContainer()
        await nesting(container).run({ input: { a, b } })
        expect(recorderOf(container).events).toEqual(events)
      }
    })

    it("fails the run like a step when the condition throws", async () => {
      const stepA = recordingStep("a", () => "a")
      const throwing = createWorkflow("when-throws", () => {
        stepA()
        when({}, () => {
          throw new Error("condition broke")
        }).then(() => {
          recordingStep("never", () => "never")()
        })
      })
      const container = makeContainer()

      const { errors } = await throwing(container).run({ throwOnError: false })

      expect(errors).toEqual([{ action: "never", handlerType: "invoke", error: new Error("condition broke") }])
      expect(recorderOf(container).compensations).toEqual(["a"])
    })

    it("refuses a when without then, and a condition that is not a function", () => {
      expect(() =>
        createWorkflow("when-no-then", (input: WorkflowData<{ go: boolean }>) => {
          when(input, (input) => input.go)
        }),
      ).toThrow('".then" is missing after "when" condition in workflow "when-no-then"')
      expect(() =>
        createWorkflow("when-no-function", (input: WorkflowData<{ go: boolean }>) => {
          when(input, input.go as never).then(() => undefined)
        }),
      ).toThrow('"when" condition must be a function')
    })
  })

  describe("parallelize(...)", () => {
    it("runs the steps at the same time and returns their outputs in the order given", async () => {
      const meet = rendezvous(3)
      const slow = (name: string) =>
        createStep(name, async (n: number, { container }) => {
          recorderOf(container).events.push(`start ${name}`)
          await meet()
          return `${name}:${n}`
        })
      const [first, second, third] = [slow("first"), slow("second"), slow("third")]
      const workflow = createWorkflow("parallel-basic", (input: WorkflowData<{ n: number }>) => {
        const outputs = parallelize(first(input.n), second(input.n), third(input.n))
        return new WorkflowResponse(outputs)
      })
      const container = makeContainer()

      const { result } = await workflow(container).run({ input: { n: 7 } })

      expect(result).toEqual(["first:7", "second:7", "third:7"])
      expect(recorderOf(container).events.sort()).toEqual(["start first", "start second", "start third"])
    })

    it("lets later steps use the results, and runs a transform that feeds a member before the group", async () => {
      const double = recordingStep("double", (n: number) => n * 2)
      const label = recordingStep("label", (text: string) => text.toUpperCase())
      const sum = recordingStep("sum", ({ a, b }: { a: number; b: string }) => `${a}-${b}`)
      const workflow = createWorkflow("parallel-feeds", (input: WorkflowData<{ n: number; text: string }>) => {
        const [doubled, labelled] = parallelize(
          double(input.n),
          label(transform({ input }, ({ input }) => `${input.text}!`)),
        )
        return new WorkflowResponse(sum({ a: doubled, b: labelled }))
      })

      expect((await workflow(makeContainer()).run({ input: { n: 3, text: "key" } })).result).toBe("6-KEY!")
    })

    it("lets every member finish when one fails, then compensates all completed steps, the group before earlier steps", async () => {
      const before = recordingStep("before", () => "before")
      const meet = rendezvous(3)
      const member = (name: string, fail = false) =>
        createStep(
          name,
          async (_: unknown, { container }) => {
            await meet()
            recorderOf(container).events.push(name)
            if (fail) throw new Error(`${name} failed`)
            return name
          },
          (_input, { container }) => {
            recorderOf(container).compensations.push(name)
          },
        )
      const [left, broken, right] = [member("left"), member("broken", true), member("right")]
      const neverRuns = recordingStep("never-runs", () => "never")
      const workflow = createWorkflow("parallel-failure", () => {
        before()
        parallelize(left(), broken(), right())
        neverRuns()
      })
      const container = makeContainer()

      const { errors, transaction } = await workflow(container).run({ throwOnError: false })

      expect(errors).toEqual([{ action: "broken", handlerType: "invoke", error: new Error("broken failed") }])
      expect(transaction.state).toBe("reverted")
      expect(recorderOf(container).events.sort()).toEqual(["before", "broken", "left", "right"])
      const undone = recorderOf(container).compensations
      expect(undone.slice(0, 2).sort()).toEqual(["left", "right"])
      expect(undone.slice(2)).toEqual(["before"])
    })

    it("compensates a whole group when a later step fails, between the steps after and before it", async () => {
      const before = recordingStep("before", () => "before")
      const one = recordingStep("one", () => 1)
      const two = recordingStep("two", () => 2)
      const afterwards = recordingStep("afterwards", () => "afterwards")
      const workflow = createWorkflow("parallel-later-failure", () => {
        before()
        parallelize(one(), two())
        afterwards()
        failingStep("last")()
      })
      const container = makeContainer()

      await expect(workflow(container).run()).rejects.toThrow("last failed")

      const undone = recorderOf(container).compensations
      expect(undone[0]).toBe("afterwards")
      expect(undone.slice(1, 3).sort()).toEqual(["one", "two"])
      expect(undone[3]).toBe("before")
    })

    it("refuses steps that use each other's results, values that are not step outputs, and a step given twice", () => {
      const step = recordingStep("step", (n: number) => n)
      expect(() =>
        createWorkflow("parallel-dependent", (input: WorkflowData<{ n: number }>) => {
          const first = step(input.n)
          parallelize(first, step(first))
        }),
      ).toThrow('"step-1" uses the output of "step", which runs in parallel with it (parallelize) in workflow "parallel-dependent"')
      expect(() =>
        createWorkflow("parallel-property", () => {
          const out = recordingStep("obj", () => ({ id: 1 }))()
          parallelize(out.id)
        }),
      ).toThrow("parallelize() in workflow \"parallel-property\" takes the outputs of steps called in this workflow")
      expect(() =>
        createWorkflow("parallel-twice", () => {
          const out = step(1)
          parallelize(out, out)
        }),
      ).toThrow('parallelize() in workflow "parallel-twice" received the same step twice.')
    })
  })

  describe("createHook", () => {
    const createThing = recordingStep("create-thing", (name: string) => ({ id: `thing_${name}`, name }))

    it("runs as if absent while no handler is registered", async () => {
      const workflow = createWorkflow("hook-without-handler", (input: WorkflowData<{ name: string }>) => {
        const thing = createThing(input.name)
        const thingCreated = createHook("thingCreated", { thing })
        return new WorkflowResponse({ thing, hookResult: thingCreated.getResult() }, { hooks: [thingCreated] })
      })
      const container = makeContainer()

      const { result, errors, transaction } = await workflow(container).run({ input: { name: "a" } })

      expect(result).toEqual({ thing: { id: "thing_a", name: "a" }, hookResult: undefined })
      expect(errors).toEqual([])
      expect(transaction.state).toBe("done")
      expect(Object.keys(workflow.hooks)).toEqual(["thingCreated"])
    })

    it("hands the handler the hook's input and the run's container, and gives its result to getResult()", async () => {
      const workflow = createWorkflow("hook-with-handler", (input: WorkflowData<{ name: string; extra: Record<string, unknown> }>) => {
        const thing = createThing(input.name)
        const thingCreated = createHook("thingCreated", { thing, additional_data: input.extra })
        return new WorkflowResponse({ hookResult: thingCreated.getResult() }, { hooks: [thingCreated] })
      })
      const seen: unknown[] = []
      workflow.hooks.thingCreated(async (hookInput, { container, workflowId, stepName }) => {
        seen.push({ hookInput, workflowId, stepName })
        recorderOf(container).events.push("handler")
        return new StepResponse({ handled: hookInput.thing.id })
      })
      const container = makeContainer()

      const { result } = await workflow(container).run({ input: { name: "b", extra: { source: "test" } } })

      expect(seen).toEqual([
        {
          hookInput: { thing: { id: "thing_b", name: "b" }, additional_data: { source: "test" } },
          workflowId: "hook-with-handler",
          stepName: "thingCreated",
        },
      ])
      expect(recorderOf(container).events).toEqual(["create-thing", "handler"])
      expect(result).toEqual({ hookResult: { handled: "thing_b" } })
    })

    it("takes one handler per hook, as Medusa does", () => {
      const workflow = createWorkflow("hook-once", () => {
        createHook("onlyOnce", {})
      })
      workflow.hooks.onlyOnce(() => undefined)

      expect(() => workflow.hooks.onlyOnce(() => undefined)).toThrow("Cannot define multiple hook handlers for the onlyOnce hook")
      expect(() => createWorkflow("hook-names", () => {
        createHook("same", {})
        createHook("same", {})
      })).toThrow('Workflow "hook-names" already has a hook named "same"')
      expect(() => createHook("outside", {})).toThrow('createHook("outside") was called outside of a workflow.')
    })

    it("runs the handler's compensation with its compensate input when a later step fails, after the later steps' and before the earlier ones'", async () => {
      const afterHook = recordingStep("after-hook", () => "after")
      const workflow = createWorkflow("hook-compensation", (input: WorkflowData<{ name: string }>) => {
        const thing = createThing(input.name)
        createHook("thingCreated", { thing })
        afterHook()
        failingStep("fails")()
      })
      workflow.hooks.thingCreated(
        ({ thing }, { container }) => {
          recorderOf(container).events.push("handler")
          return new StepResponse("handler output", { undo: thing.id })
        },
        (compensateInput, { container }) => {
          recorderOf(container).compensations.push(`handler ${JSON.stringify(compensateInput)}`)
        },
      )
      const container = makeContainer()

      await expect(workflow(container).run({ input: { name: "c" } })).rejects.toThrow("fails failed")

      expect(recorderOf(container).events).toEqual(["create-thing", "handler", "after-hook", "fails"])
      expect(recorderOf(container).compensations).toEqual(["after-hook", 'handler {"undo":"thing_c"}', "create-thing"])
    })

    it("fails the run when the handler throws: the steps before it are compensated, its own compensation is not run", async () => {
      const workflow = createWorkflow("hook-throws", (input: WorkflowData<{ name: string }>) => {
        createHook("thingCreated", { thing: createThing(input.name) })
      })
      workflow.hooks.thingCreated(
        () => {
          throw new Error("handler refused")
        },
        (_input, { container }) => {
          recorderOf(container).compensations.push("handler")
        },
      )
      const container = makeContainer()

      const { errors } = await workflow(container).run({ input: { name: "d" }, throwOnError: false })

      expect(errors).toEqual([{ action: "thingCreated", handlerType: "invoke", error: new Error("handler refused") }])
      expect(recorderOf(container).compensations).toEqual(["create-thing"])
    })

    describe("with a resultValidator", () => {
      const defineValidated = (id: string) =>
        createWorkflow(id, (input: WorkflowData<{ name: string }>) => {
          const thing = createThing(input.name)
          const thingCreated = createHook("thingCreated", { thing }, {
            resultValidator: z.object({ id: z.number(), tags: z.array(z.string()).default([]) }),
          })
          return new WorkflowResponse({ hookResult: thingCreated.getResult() }, { hooks: [thingCreated] })
        })

      it("gives the validated result (defaults applied)", async () => {
        const workflow = defineValidated("validated-ok")
        workflow.hooks.thingCreated(() => new StepResponse({ id: 1 }))

        const { result } = await workflow(makeContainer()).run({ input: { name: "e" } })

        expect(result).toEqual({ hookResult: { id: 1, tags: [] } })
      })

      it("rejects a bad result with an error naming the hook and the field, and undoes the handler and the steps before it", async () => {
        const workflow = defineValidated("validated-bad")
        workflow.hooks.thingCreated(
          () => new StepResponse({ id: "not a number" } as never),
          (_input, { container }) => {
            recorderOf(container).compensations.push("handler")
          },
        )
        const container = makeContainer()

        const error = await workflow(container).run({ input: { name: "f" } }).catch((e: unknown) => e)

        expect(error).toMatchObject({
          type: "unexpected_state",
          message: expect.stringContaining(`The thingCreated hook handler of workflow "validated-bad" returned an invalid result: 'id': Invalid input: expected number, received string.`),
          issues: [expect.objectContaining({ path: ["id"] })],
        })
        expect(recorderOf(container).compensations).toEqual(["handler", "create-thing"])
      })

      it("validates a handler that returns nothing, and does not validate while no handler is registered", async () => {
        const silent = defineValidated("validated-silent")
        silent.hooks.thingCreated(() => undefined)
        const unhandled = defineValidated("validated-unhandled")

        const silentError = await silent(makeContainer()).run({ input: { name: "g" } }).catch((e: unknown) => e)
        const { result } = await unhandled(makeContainer()).run({ input: { name: "g" } })

        expect((silentError as Error).message).toContain("returned an invalid result: Invalid input: expected object, received undefined")
        expect(result).toEqual({ hookResult: undefined })
      })
    })

    it("is skipped with the other steps of a when block whose condition is false", async () => {
      const workflow = createWorkflow("hook-in-when", (input: WorkflowData<{ notify: boolean }>) => {
        when(input, (input) => input.notify).then(() => {
          createHook("notify", { at: "now" })
        })
      })
      workflow.hooks.notify((_input, { container }) => {
        recorderOf(container).events.push("notified")
      })
      const quiet = makeContainer()
      const loud = makeContainer()

      await workflow(quiet).run({ input: { notify: false } })
      await workflow(loud).run({ input: { notify: true } })

      expect(recorderOf(quiet).events).toEqual([])
      expect(recorderOf(loud).events).toEqual(["notified"])
    })
  })
})
