import { MedusaError } from "../../src"

/** Awaits a promise that must fail with a MedusaError of `type` whose message is (or matches) `message`. */
export async function expectMedusaError(promise: Promise<unknown>, type: string, message: string | RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e) => e
  )
  expect(error).toBeInstanceOf(MedusaError)
  expect(error.type).toBe(type)
  if (typeof message === "string") expect(error.message).toBe(message)
  else expect(error.message).toMatch(message)
}

/** A pattern matching `text` anywhere, taken literally (for messages that go on with details). */
export const containing = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
