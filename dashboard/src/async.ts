import { useCallback, useEffect, useRef, useState, type DependencyList } from "react"

export interface Loaded<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload(): void
}

/**
 * Loads data for a page and loads it again when `deps` change or `reload()` is called. An answer
 * that arrives after a newer request started is dropped, so a slow search cannot overwrite a fast one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true })
  const [round, setRound] = useState(0)
  const latest = useRef(0)
  useEffect(() => {
    const ticket = ++latest.current
    setState((previous) => ({ ...previous, loading: true }))
    load().then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ error, loading: false })
    )
    // `load` is the caller's closure over `deps`: they decide when to load again.
  }, [...deps, round])
  const reload = useCallback(() => setRound((n) => n + 1), [])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

export interface Action<A extends unknown[], T> {
  /** Runs the action: `{ value }` when it succeeded, undefined when it failed (the error is in `error`). */
  run(...args: A): Promise<{ value: T } | undefined>
  pending: boolean
  error: unknown
  reset(): void
}

/** A user's action (save, revoke …): whether it is running, and its error to show beside it. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): Action<A, T> {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const run = async (...args: A): Promise<{ value: T } | undefined> => {
    setPending(true)
    setError(undefined)
    try {
      return { value: await action(...args) }
    } catch (e) {
      setError(e)
      return undefined
    } finally {
      setPending(false)
    }
  }
  return { run, pending, error, reset: () => setError(undefined) }
}
