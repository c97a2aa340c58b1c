import { useState, type FormEvent } from "react"
import { useAction } from "../async"
import { ErrorAlert } from "../components/error-alert"
import { PageTitle } from "../components/page-title"
import { FetchError, Medusa } from "../sdk"
import { useSessionState } from "../session"

const REFUSED = "The server did not accept this key (401 Unauthorized): paste the token of a secret key (sk_…) that is not revoked."

/**
 * Sign in with a secret key: the key is tried on the admin API first, so a wrong, revoked or
 * publishable key is refused here with the server's answer, and only a working key is kept.
 */
export function SignIn() {
  const { signIn, notice } = useSessionState()
  const [token, setToken] = useState("")
  const check = useAction(async (candidate: string) => {
    try {
      await new Medusa({ apiKey: candidate }).admin.apiKey.list({ limit: 1, fields: "id" })
    } catch (error) {
      if (error instanceof FetchError && error.status === 401) throw new Error(REFUSED)
      throw error
    }
  })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const candidate = token.trim()
    if (await check.run(candidate)) signIn(candidate)
  }
  return (
    <main id="main" className="narrow">
      <PageTitle>Sign in</PageTitle>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="secret-key">Secret API key</label>
          <input
            id="secret-key"
            name="secret-key"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="sk_…"
            value={token}
            aria-describedby="secret-key-hint"
            onChange={(e) => setToken(e.target.value)}
          />
          <p id="secret-key-hint" className="hint">
            Paste a secret key’s token. It is kept in this tab only (session storage) and forgotten when you sign out. No key yet?
            Run <code>npm run -s cli -- keys:create --type secret --title admin</code>.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={check.pending}>
            {check.pending ? "Checking…" : "Sign in"}
          </button>
        </div>
        <ErrorAlert error={check.error} />
      </form>
    </main>
  )
}
