import { useEffect, useState } from "react"
import { useLoad } from "../async"
import { ErrorAlert } from "../components/error-alert"
import { PageTitle } from "../components/page-title"
import { DETAIL_ROWS, forType } from "../keys/fields"
import { KeyActions } from "../keys/key-actions"
import { KeySalesChannels } from "../keys/key-sales-channels"
import { KEY_KINDS } from "../keys/kinds"
import { SettingsDialog } from "../keys/settings-dialog"
import { STATUS_LABEL, hasEnded, keyStatus } from "../keys/status"
import { TitleForm } from "../keys/title-form"
import { TokenReveal } from "../keys/token-reveal"
import { Link, useRouter } from "../router"
import type { AdminApiKey } from "../sdk"
import { useFlash } from "../flash"
import { useSession } from "../session"

/**
 * One key: its title, its details (DETAIL_ROWS) and settings (while it works), revoke / roll /
 * delete, and a publishable key's sales channels.
 */
export function KeyDetail({ id }: { id: string }) {
  const { sdk } = useSession()
  const { navigate } = useRouter()
  const flash = useFlash()
  const loaded = useLoad(async () => (await sdk.admin.apiKey.retrieve(id)).api_key, [sdk, id])
  const [apiKey, setApiKey] = useState<AdminApiKey | undefined>(undefined)
  // The successor of a roll, with its token: in memory only, gone when the page is left.
  const [successor, setSuccessor] = useState<AdminApiKey | undefined>(undefined)
  useEffect(() => setApiKey(loaded.data), [loaded.data])

  const kind = apiKey && KEY_KINDS[apiKey.type]
  const status = apiKey && keyStatus(apiKey)
  // One heading element while loading and after, so the focus the layout gave it stays there.
  const head = (
    <>
      <p className="breadcrumb">{kind ? <Link to={kind.path}>{kind.plural}</Link> : "\u00a0"}</p>
      <div className="page-head">
        <PageTitle>{apiKey ? apiKey.title || "(untitled)" : "API key"}</PageTitle>
        {status && <span className={`badge ${status}`}>{STATUS_LABEL[status]}</span>}
      </div>
    </>
  )
  if (!apiKey || !kind) {
    return (
      <>
        {head}
        <ErrorAlert error={loaded.error} />
        {loaded.loading && <p>Loading…</p>}
        {loaded.error !== undefined && <Link to="/publishable-keys">Back to the keys</Link>}
      </>
    )
  }
  return (
    <>
      {head}
      <p className="lead">{kind.singular[0].toUpperCase() + kind.singular.slice(1)}</p>

      {successor && <TokenReveal apiKey={successor} heading={`New key “${successor.title}”`} />}

      <section aria-labelledby="details-heading" className="panel">
        <h2 id="details-heading">Details</h2>
        <TitleForm apiKey={apiKey} onSaved={setApiKey} />
        <dl className="details">
          {forType(DETAIL_ROWS, apiKey.type).map((row) => (
            <div key={`${row.label}-${row.types?.join() ?? ""}`}>
              <dt>{row.label}</dt>
              <dd>{row.value(apiKey)}</dd>
            </div>
          ))}
        </dl>
        {status && !hasEnded(status) && <SettingsDialog apiKey={apiKey} onSaved={setApiKey} />}
      </section>

      <KeyActions
        apiKey={apiKey}
        onChanged={setApiKey}
        onRolled={(next) => {
          setSuccessor(next)
          loaded.reload()
        }}
        onDeleted={() => {
          flash(`Deleted “${apiKey.title}”.`)
          navigate(kind.path)
        }}
      />

      {apiKey.type === "publishable" && <KeySalesChannels apiKey={apiKey} onChanged={setApiKey} />}
    </>
  )
}
