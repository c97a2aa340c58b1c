import { useId } from "react"
import { CopyButton } from "../components/copy-button"
import { Link } from "../router"
import type { AdminApiKey } from "../sdk"

/**
 * A new key's token, right after it was created or rolled. For a secret key this is the only
 * time it exists outside the caller: the page keeps it in memory only, so leaving or reloading
 * the page loses it for good.
 */
export function TokenReveal({ apiKey, heading }: { apiKey: AdminApiKey; heading: string }) {
  const id = useId()
  const secret = apiKey.type === "secret"
  return (
    <section className="reveal" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {secret ? (
        <p className="warning">
          <strong>Copy this token now: you will not see it again.</strong> The server keeps only a hash of it. If it is lost,
          roll the key to get a new one.
        </p>
      ) : (
        <p>A publishable token is public: it is also shown on the key’s page.</p>
      )}
      <label htmlFor={`${id}-token`}>{secret ? "Secret token" : "Publishable token"}</label>
      <div className="token-row">
        <input id={`${id}-token`} className="token" readOnly value={apiKey.token} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={apiKey.token} label="Copy token" />
      </div>
      <p>
        <Link to={`/keys/${encodeURIComponent(apiKey.id)}`}>Open “{apiKey.title}”</Link>
      </p>
    </section>
  )
}
