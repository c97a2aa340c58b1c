import { asValue, createContainer, type AwilixContainer } from "awilix"
import {
  createStep,
  createWorkflow,
  PermanentStepFailureError,
  StepResponse,
  transform,
  WorkflowResponse,
  type WorkflowData,
} from "../src/framework/workflows-sdk"

/** What the steps did, in order; registered in the container so steps reach it like any service. */
class Recorder {
  readonly events: string[] = []
  readonly compensations: Array<{ step: string; input: unknown }> = []
}

/** A tiny in-memory key store, so the steps have something real to create and undo. */
class KeyStore {
  private next = 1
  readonly keys = new Map<string, { id: string; title: string; revoked: boolean }>()

  create(titles: string[]) {
    return titles.map((title) => {
      const key = { id: `apk_${this.next++}`, title, revoked: false }
      this.keys.set(key.id, key)
      return { ...key }
    })
  }
}

class TypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

function makeContainer() {
  const container = createContainer()
  container.register({ recorder: asValue(new Recorder()), keyStore: asValue(new KeyStore()) })
  return container
}

const recorderOf = (container: AwilixContainer) => container.resolve<Recorder>("recorder")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A step that records its invocation and compensation and returns `output(input)`. */
function recordingStep<TInput, TOutput>(name: string, output: (input: TInput) => TOutput, options = {}) {
  return createStep<TInput, TOutput>(
    { name, ...options },
    (input, { container }) => {
      recorderOf(container).events.push(`invoke ${name}`)
      return new StepResponse(output(input), `undo ${name}` as unknown as TOutput)
    },
    (compensateInput, { container }) => {
      recorderOf(container).compensations.push({ step: name, input: compensateInput })
    },
  )
}

function failingStep(name: string, error: unknown) {
  return createStep(
    name,
    (_input: unknown, { container }) => {
      recorderOf(container).events.push(`invoke ${name}`)
      throw error
    },
    (_input, { container }) => {
      recorderOf(container).compensations.push({ step: name, input: "should not happen" })
    },
  )
}

describe("workflows-sdk", () => {
  describe("running steps", () => {
    const createKeysStep = createStep(
      "create-keys",
      async (input: { titles: string[] }, { container }) => {
        recorderOf(container).events.push("invoke create-keys")
        const created = container.resolve<KeyStore>("keyStore").create(input.titles)
        return new StepResponse(
          created,
          created.map((key) => key.id),
        )
      },
    )
    const revokeKeyStep = createStep("revoke-key", (input: { id: string; by: string }, { container }) => {
      recorderOf(container).events.push("invoke revoke-key")
      const key = container.resolve<KeyStore>("keyStore").keys.get(input.id)!
      key.revoked = true
      return { id: key.id, revoked_by: input.by }
    })

    const createThenRevoke = createWorkflow(
      "create-then-revoke",
      (input: WorkflowData<{ titles: string[]; actor: { id: string } }>) => {
        const created = createKeysStep({ titles: input.titles })
        const revoked = revokeKeyStep({ id: created[0].id, by: input.actor.id })
        return new WorkflowResponse({ first: created[0], revoked, count: created.length })
      },
    )

    it("runs steps in the order they were recorded and resolves the response from outputs and input", async () => {
      const container = makeContainer()

      const { result, errors, transaction } = await createThenRevoke(container).run({
        input: { titles: ["storefront", "backoffice"], actor: { id: "user_1" } },
      })

      expect(recorderOf(container).events).toEqual(["invoke create-keys", "invoke revoke-key"])
      expect(result).toEqual({
        first: { id: "apk_1", title: "storefront", revoked: false },
        revoked: { id: "apk_1", revoked_by: "user_1" },
        count: 2,
      })
      expect(errors).toEqual([])
      expect(transaction).toMatchObject({ workflowId: "create-then-revoke", state: "done" })
      expect(container.resolve<KeyStore>("keyStore").keys.get("apk_1")!.revoked).toBe(true)
    })

    it("returns the value itself when the composer returns a reference without WorkflowResponse", async () => {
      const listTitles = createWorkflow("list-titles", (input: WorkflowData<{ titles: string[] }>) =>
        createKeysStep({ titles: input.titles }),
      )

      const { result } = await listTitles(makeContainer()).run({ input: { titles: ["a"] } })

      expect(result).toEqual([{ id: "apk_1", title: "a", revoked: false }])
    })

    it("runs the composer once, when the workflow is defined", async () => {
      let composerCalls = 0
      const workflow = createWorkflow("count-composer", () => {
        composerCalls += 1
        return new WorkflowResponse(createKeysStep({ titles: ["x"] }))
      })

      await workflow(makeContainer()).run()
      await workflow(makeContainer()).run()

      expect(composerCalls).toBe(1)
    })

    it("treats a plain return value as both the output and the compensate input", async () => {
      const container = makeContainer()
      const plain = createStep(
        "plain",
        () => ({ id: "plain_1" }),
        (compensateInput, { container }) => {
          recorderOf(container).compensations.push({ step: "plain", input: compensateInput })
        },
      )
      const onlyOutput = createStep(
        "only-output",
        () => new StepResponse("output only"),
        (compensateInput, { container }) => {
          recorderOf(container).compensations.push({ step: "only-output", input: compensateInput })
        },
      )
      const workflow = createWorkflow("plain-values", () => {
        plain()
        onlyOutput()
        failingStep("boom", new Error("boom"))()
      })

      await expect(workflow(container).run()).rejects.toThrow("boom")

      expect(recorderOf(container).compensations).toEqual([
        { step: "only-output", input: "output only" },
        { step: "plain", input: { id: "plain_1" } },
      ])
    })

    it("offers run() on the workflow itself and exposes its name", async () => {
      const container = makeContainer()

      const { result } = await createThenRevoke.run({
        input: { titles: ["one"], actor: { id: "user_2" } },
        container,
      })

      expect(result.revoked).toEqual({ id: "apk_1", revoked_by: "user_2" })
      expect(createThenRevoke.getName()).toBe("create-then-revoke")
      expect(createThenRevoke.workflowId).toBe("create-then-revoke")
    })

    it("passes the workflow id, step name, transaction id and run context to each step", async () => {
      const seen: unknown[] = []
      const inspect = createStep("inspect", (_input: unknown, context) => {
        seen.push({
          workflowId: context.workflowId,
          stepName: context.stepName,
          transactionId: context.transactionId,
          context: context.context,
        })
      })
      const workflow = createWorkflow("inspect-context", () => {
        inspect()
        inspect()
      })

      await workflow(makeContainer()).run({ context: { transactionId: "tx_1", requestId: "req_1" } })

      expect(seen).toEqual([
        { workflowId: "inspect-context", stepName: "inspect", transactionId: "tx_1", context: { transactionId: "tx_1", requestId: "req_1" } },
        { workflowId: "inspect-context", stepName: "inspect-1", transactionId: "tx_1", context: { transactionId: "tx_1", requestId: "req_1" } },
      ])
    })

    it("names a repeated step uniquely, or as chosen with config({ name })", async () => {
      const container = makeContainer()
      const failAfterRepeats = createWorkflow("repeats", () => {
        const step = recordingStep("repeat", () => "out")
        step()
        step()
        step().config({ name: "repeat-chosen" })
        failingStep("fail", new Error("stop"))()
      })

      const { errors } = await failAfterRepeats(container).run({ throwOnError: false })

      expect(errors.map((error) => error.action)).toEqual(["fail"])
      expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["repeat", "repeat", "repeat"])
      expect(() =>
        createWorkflow("clashing-names", () => {
          const step = recordingStep("clash", () => "out")
          step()
          step().config({ name: "clash" })
        }),
      ).toThrow('Workflow "clashing-names" already has a step named "clash"; step names must be unique.')
    })
  })

  describe("transform", () => {
    it("computes new values at run time, in order with the steps, chaining its functions", async () => {
      const container = makeContainer()
      const toUpper = recordingStep("to-upper", (input: { title: string }) => ({ title: input.title.toUpperCase() }))
      const workflow = createWorkflow("transform-chain", (input: WorkflowData<{ title: string; suffix: string }>) => {
        const upper = toUpper({ title: input.title })
        const label = transform(
          { title: upper.title, suffix: input.suffix },
          ({ title, suffix }, { container }) => {
            recorderOf(container).events.push("transform")
            return `${title}-${suffix}`
          },
          (joined) => ({ label: joined, length: joined.length }),
        )
        const echoed = recordingStep("echo", (value: { label: string }) => value.label)(label)
        return new WorkflowResponse({ label, echoed })
      })

      const { result } = await workflow(container).run({ input: { title: "key", suffix: "v2" } })

      expect(result).toEqual({ label: { label: "KEY-v2", length: 6 }, echoed: "KEY-v2" })
      expect(recorderOf(container).events).toEqual(["invoke to-upper", "transform", "invoke echo"])
    })

    it("fails the run and compensates earlier steps when a transform throws", async () => {
      const container = makeContainer()
      const workflow = createWorkflow("failing-transform", () => {
        const value = recordingStep("before", () => 1)()
        transform(value, () => {
          throw new Error("bad transform")
        })
      })

      const { errors } = await workflow(container).run({ throwOnError: false })

      expect(errors).toEqual([{ action: "transform", handlerType: "invoke", error: new Error("bad transform") }])
      expect(recorderOf(container).compensations).toEqual([{ step: "before", input: "undo before" }])
    })
  })

  describe("compensation", () => {
    const stepA = recordingStep("step-a", () => "a")
    const stepB = recordingStep("step-b", () => "b")
    const stepC = recordingStep("step-c", () => "c")
    const neverRuns = recordingStep("never-runs", () => "never")

    it("undoes completed steps in reverse order with their compensate input and rethrows the original error", async () => {
      const container = makeContainer()
      const original = new TypedError("not_allowed", "Cannot do that")
      const workflow = createWorkflow("reverse-compensation", () => {
        stepA()
        stepB()
        stepC()
        failingStep("step-d", original)()
        neverRuns()
      })

      const failure = await workflow(container).run().catch((error: unknown) => error)

      expect(failure).toBe(original)
      expect(failure).toBeInstanceOf(TypedError)
      expect((failure as TypedError).type).toBe("not_allowed")
      expect((failure as { compensationErrors?: unknown }).compensationErrors).toBeUndefined()
      expect(recorderOf(container).compensations).toEqual([
        { step: "step-c", input: "undo step-c" },
        { step: "step-b", input: "undo step-b" },
        { step: "step-a", input: "undo step-a" },
      ])
    })

    it("compensates neither the step that threw nor the steps that never ran", async () => {
      const container = makeContainer()
      const workflow = createWorkflow("partial-run", () => {
        stepA()
        failingStep("step-fails", new Error("fails"))()
        neverRuns()
      })

      await expect(workflow(container).run()).rejects.toThrow("fails")

      expect(recorderOf(container).events).toEqual(["invoke step-a", "invoke step-fails"])
      expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-a"])
    })

    it("skips steps declared with noCompensation", async () => {
      const container = makeContainer()
      const notUndone = recordingStep("not-undone", () => "x", { noCompensation: true })
      const workflow = createWorkflow("no-compensation", () => {
        stepA()
        notUndone()
        stepB().config({ noCompensation: true })
        failingStep("fail", new Error("fail"))()
      })

      await expect(workflow(container).run()).rejects.toThrow("fail")

      expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-a"])
    })

    it("undoes a step that failed with StepResponse.permanentFailure like any other failure", async () => {
      const container = makeContainer()
      const refuse = createStep("refuse", () => StepResponse.permanentFailure("Refused for good"))
      const workflow = createWorkflow("permanent-failure", () => {
        stepA()
        refuse()
      })

      const failure = await workflow(container).run().catch((error: unknown) => error)

      expect(failure).toBeInstanceOf(PermanentStepFailureError)
      expect((failure as Error).message).toBe("Refused for good")
      expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-a"])
    })

    it("returns the error instead of throwing when throwOnError is false", async () => {
      const container = makeContainer()
      const original = new TypedError("invalid_data", "Bad input")
      const workflow = createWorkflow("no-throw", () => {
        const a = stepA()
        failingStep("step-bad", original)()
        return new WorkflowResponse(a)
      })

      const outcome = await workflow(container).run({ throwOnError: false })

      expect(outcome.result).toBeUndefined()
      expect(outcome.errors).toEqual([{ action: "step-bad", handlerType: "invoke", error: original }])
      expect(outcome.errors[0].error).toBe(original)
      expect(outcome.transaction.state).toBe("reverted")
      expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-a"])
    })

    describe("when a compensation fails", () => {
      const undoFailure = new Error("undo failed")
      const brokenUndo = createStep(
        "broken-undo",
        () => "done",
        () => {
          throw undoFailure
        },
      )
      const workflow = createWorkflow("broken-compensation", () => {
        stepA()
        brokenUndo()
        stepC()
        failingStep("step-fails", new TypedError("conflict", "Conflict"))()
      })

      it("still runs the other compensations and attaches the failure to the rethrown original error", async () => {
        const container = makeContainer()

        const failure = await workflow(container).run().catch((error: unknown) => error)

        expect(failure).toBeInstanceOf(TypedError)
        expect((failure as TypedError).message).toBe("Conflict")
        expect((failure as { compensationErrors?: unknown }).compensationErrors).toEqual([
          { action: "broken-undo", error: undoFailure },
        ])
        expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-c", "step-a"])
      })

      it("lists the compensation failure after the original error when throwOnError is false", async () => {
        const container = makeContainer()

        const { errors, transaction } = await workflow(container).run({ throwOnError: false })

        expect(errors).toEqual([
          { action: "step-fails", handlerType: "invoke", error: new TypedError("conflict", "Conflict") },
          { action: "broken-undo", handlerType: "compensate", error: undoFailure },
        ])
        expect(transaction.state).toBe("failed")
        expect(recorderOf(container).compensations.map((entry) => entry.step)).toEqual(["step-c", "step-a"])
      })
    })
  })

  describe("isolation between runs", () => {
    it("gives each run its own container scope, shared by its steps and compensations", async () => {
      const container = makeContainer()
      const scopes: AwilixContainer[] = []
      const registerRunId = createStep("register-run-id", (runId: string, { container }) => {
        container.register("runId", asValue(runId))
        scopes.push(container)
      })
      const readRunId = createStep(
        "read-run-id",
        (_input: unknown, { container }) => {
          scopes.push(container)
          return container.resolve<string>("runId")
        },
        (_input, { container }) => {
          scopes.push(container)
          recorderOf(container).compensations.push({ step: "read-run-id", input: container.resolve("runId") })
        },
      )
      const workflow = createWorkflow("scoped", (input: WorkflowData<{ runId: string; fail: boolean }>) => {
        registerRunId(input.runId)
        const runId = readRunId()
        createStep("maybe-fail", (fail: boolean) => {
          if (fail) throw new Error("asked to fail")
        })(input.fail)
        return new WorkflowResponse(runId)
      })

      const first = await workflow(container).run({ input: { runId: "run-1", fail: false } })
      const second = await workflow(container).run({ input: { runId: "run-2", fail: true }, throwOnError: false })

      expect(first.result).toBe("run-1")
      expect(second.errors[0].action).toBe("maybe-fail")
      expect(recorderOf(container).compensations).toEqual([{ step: "read-run-id", input: "run-2" }])
      expect(container.hasRegistration("runId")).toBe(false)
      const [firstRegister, firstRead, secondRegister, secondRead, secondCompensate] = scopes
      expect(firstRegister).not.toBe(container)
      expect(firstRead).toBe(firstRegister)
      expect(secondRegister).not.toBe(firstRegister)
      expect(secondRead).toBe(secondRegister)
      expect(secondCompensate).toBe(secondRegister)
    })

    it("keeps the data of concurrent runs of one workflow apart", async () => {
      const slowEcho = createStep("slow-echo", async (input: { value: string; delay: number }) => {
        await sleep(input.delay)
        return { value: input.value }
      })
      const workflow = createWorkflow("concurrent", (input: WorkflowData<{ value: string; delay: number }>) => {
        const first = slowEcho({ value: input.value, delay: input.delay })
        const second = slowEcho({ value: first.value, delay: 5 })
        const joined = transform({ first, second }, ({ first, second }) => `${first.value}+${second.value}`)
        return new WorkflowResponse(joined)
      })

      const runs = await Promise.all(
        ["a", "b", "c", "d"].map((value, index) =>
          workflow(makeContainer()).run({ input: { value, delay: 20 - index * 5 } }),
        ),
      )

      expect(runs.map((run) => run.result)).toEqual(["a+a", "b+b", "c+c", "d+d"])
      expect(new Set(runs.map((run) => run.transaction.transactionId)).size).toBe(4)
    })

    it("hands each run a fresh copy of literal objects, so a step that mutates its input cannot leak", async () => {
      const pushItem = createStep("push-item", (input: { items: string[] }) => {
        input.items.push("added")
        return input.items.length
      })
      const workflow = createWorkflow("literal-input", () => pushItem({ items: [] }))

      const first = await workflow(makeContainer()).run()
      const second = await workflow(makeContainer()).run()

      expect([first.result, second.result]).toEqual([1, 1])
    })
  })

  describe("misuse", () => {
    it("throws a clear error when a step is called outside a workflow", () => {
      const lonely = createStep("lonely", () => "value")

      expect(() => lonely()).toThrow(
        'Step "lonely" was called outside of a workflow. Steps, transform(), when(), parallelize() and createHook() only record themselves ' +
          "inside the composer function of createWorkflow(); run the workflow to execute them.",
      )
      expect(() => transform({}, () => 1)).toThrow("transform() was called outside of a workflow.")
    })

    it("explains that references cannot be called inside the composer", () => {
      expect(() =>
        createWorkflow("call-reference", (input: WorkflowData<{ titles: string[] }>) => {
          ;(input.titles as unknown as string[]).map((title) => title.trim())
        }),
      ).toThrow('"input.titles.map" is a workflow reference and cannot be called inside the composer')
    })

    it("rejects an async composer", () => {
      expect(() =>
        createWorkflow("async-composer", async () => {
          await sleep(1)
        }),
      ).toThrow('The composer of workflow "async-composer" must be synchronous')
    })

    it("rejects references taken from another workflow", () => {
      let leaked: WorkflowData<{ id: string }> | undefined
      createWorkflow("leaks", (input: WorkflowData<{ id: string }>) => {
        leaked = input
      })
      const useId = createStep("use-id", (id: string) => id)

      expect(() => createWorkflow("borrows", () => useId(leaked!.id))).toThrow(
        '"use-id" in workflow "borrows" received a value from another workflow ("input")',
      )
    })
  })
})
