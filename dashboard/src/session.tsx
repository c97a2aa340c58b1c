import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react"
import { Medusa } from "./sdk"

/**
 * The signed-in secret key lives in sessionStorage: it survives a reload, not the tab, and is
 * never written anywhere else. Any 401 from the server (the key was revoked, rolled, deleted or
 * expired) signs out at once; other refusals (a 403 for a scope the key lacks, a 429) leave the
 * session alone and show where the action was.
 */
const STORAGE_KEY = "api-key-dashboard.secret-key"

export const SIGNED_OUT_BY_SERVER =
  "You have been signed out: the server no longer accepts this secret key (it was revoked, rolled, deleted or has expired). Sign in with another secret key."

interface Session {
  /** The SDK with the signed-in key; only rendered inside a signed-in page. */
  sdk: Medusa
  signOut(notice?: string): void
}

interface SessionState {
  token: string | null
  /** Why the user is at the sign-in page (signed out, or by the server). */
  notice: string | undefined
  signIn(token: string): void
  signOut(notice?: string): void
  sdk: Medusa | undefined
}

const SessionContext = createContext<SessionState | undefined>(undefined)

function readToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage blocked by the browser's settings: the user signs in for this page only.
    return null
  }
}

function writeToken(token: string | null): void {
  try {
    if (token === null) window.sessionStorage.removeItem(STORAGE_KEY)
    else window.sessionStorage.setItem(STORAGE_KEY, token)
  } catch {
    // See readToken: nothing is kept, which is the safe side.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken)
  const [notice, setNotice] = useState<string | undefined>(undefined)

  const signOut = useCallback((reason?: string) => {
    writeToken(null)
    setToken(null)
    setNotice(reason)
  }, [])
  const signIn = useCallback((value: string) => {
    writeToken(value)
    setNotice(undefined)
    setToken(value)
  }, [])

  // The SDK's requests pass through here: a 401 signs out whatever page made the call. The call
  // itself still fails with the FetchError, so the page shows it until it is replaced.
  const signOutRef = useRef(signOut)
  signOutRef.current = signOut
  const sdk = useMemo(() => {
    if (!token) return undefined
    const watched: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (response.status === 401) signOutRef.current(SIGNED_OUT_BY_SERVER)
      return response
    }
    return new Medusa({ apiKey: token, fetch: watched })
  }, [token])

  const state = useMemo(() => ({ token, notice, signIn, signOut, sdk }), [token, notice, signIn, signOut, sdk])
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext)
  if (!state) throw new Error("useSessionState needs a SessionProvider")
  return state
}

/** The signed-in session; pages that call the API render only while signed in. */
export function useSession(): Session {
  const { sdk, signOut } = useSessionState()
  if (!sdk) throw new Error("useSession is for signed-in pages")
  return { sdk, signOut }
}
