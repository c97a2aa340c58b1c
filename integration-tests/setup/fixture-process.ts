import { fork, type ChildProcess } from "node:child_process"
import path from "node:path"

/**
 * A second OS process running one of `integration-tests/fixtures/*.js` on the same database, driven
 * over IPC: `call(op, arg)` runs the fixture's operation `op` and resolves with its result.
 */
export interface FixtureProcess {
  call<T = any>(op: string, arg?: unknown): Promise<T>
  /** Runs the fixture's `close` operation and waits for the process to exit. */
  close(): Promise<void>
  /** Messages the process sends on its own (not answers to `call`), e.g. from a subscriber. */
  onMessage(listener: (message: any) => void): void
  /** Ends the process with `signal` (SIGKILL: no shutdown code runs) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  readonly pid: number
}

export async function forkFixture(script: string, env: Record<string, string>): Promise<FixtureProcess> {
  const child: ChildProcess = fork(path.join(__dirname, "..", "fixtures", script), [], {
    env: { ...process.env, ...env },
    execArgv: ["--no-warnings"],
  })
  let nextId = 0
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  const listeners: ((message: any) => void)[] = []
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: any) => {
      if (message.ready) return resolve()
      if (message.fatal) return reject(new Error(message.fatal))
      if (message.id === undefined) return listeners.forEach((listener) => listener(message))
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error) waiter?.reject(new Error(message.error))
      else waiter?.resolve(message.result)
    })
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  const call = <T>(op: string, arg?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, { resolve, reject })
      child.send({ id, op, arg })
    })
  return {
    call,
    pid: child.pid!,
    onMessage: (listener) => void listeners.push(listener),
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill(signal)
      await exited
    },
    close: async () => {
      if (!child.connected) return
      const exited = new Promise((resolve) => child.once("exit", resolve))
      await call("close")
      await exited
    },
  }
}
