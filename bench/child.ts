import { fork, type ChildProcess } from "node:child_process"
import path from "node:path"

/** Starts a compiled sibling script as a child process with an IPC channel. */
export function forkSibling(script: string, env: Record<string, string>): ChildProcess {
  return fork(path.join(__dirname, script), [], { env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] })
}

/** The next IPC message of the given kind (rejects if the child exits first or times out). */
export function nextMessage<T extends { kind: string }>(child: ChildProcess, kind: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${kind}" message from child within ${timeoutMs} ms`)), timeoutMs)
    const onMessage = (message: T) => message?.kind === kind && done(null, message)
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before sending "${kind}"`))
    function done(error: Error | null, message?: T) {
      clearTimeout(timer)
      child.off("message", onMessage)
      child.off("exit", onExit)
      if (error) reject(error)
      else resolve(message!)
    }
    child.on("message", onMessage)
    child.on("exit", onExit)
  })
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
  await exited
  clearTimeout(timer)
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallClockMs = () => performance.timeOrigin + performance.now()
