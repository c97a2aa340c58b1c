import { useState, type FormEvent } from "react"
import { useAction, useLoad } from "../async"
import { ErrorAlert } from "../components/error-alert"
import { Link } from "../router"
import type { AdminApiKey } from "../sdk"
import { useSession } from "../session"

/** The most channels offered in the "add" list (the server's largest page). */
const CHANNEL_PAGE = 100

/**
 * A publishable key's sales channels: what a storefront using the key can see. Add one from the
 * existing channels, or remove one; the key as the server returns it replaces the page's copy.
 */
export function KeySalesChannels({ apiKey, onChanged }: { apiKey: AdminApiKey; onChanged(key: AdminApiKey): void }) {
  const { sdk } = useSession()
  const linked = apiKey.sales_channels ?? []
  const all = useLoad(() => sdk.admin.salesChannel.list({ limit: CHANNEL_PAGE, order: "name", fields: "id,name,is_disabled" }), [sdk])
  const available = (all.data?.sales_channels ?? []).filter((channel) => !linked.some((l) => l.id === channel.id))
  const [choice, setChoice] = useState("")
  const selected = available.some((c) => c.id === choice) ? choice : (available[0]?.id ?? "")

  const change = useAction(async (body: { add?: string[]; remove?: string[] }) => (await sdk.admin.apiKey.batchSalesChannels(apiKey.id, body)).api_key)
  const apply = async (body: { add?: string[]; remove?: string[] }) => {
    const done = await change.run(body)
    if (done) onChanged(done.value)
  }
  const add = (event: FormEvent) => {
    event.preventDefault()
    if (selected) void apply({ add: [selected] })
  }

  return (
    <section aria-labelledby="channels-heading" className="panel">
      <h2 id="channels-heading">Sales channels</h2>
      <p className="hint">A storefront using this key sees these channels’ data only.</p>
      {linked.length === 0 ? (
        <p>No sales channels yet.</p>
      ) : (
        <ul className="channel-list" aria-label="Linked sales channels">
          {linked.map((channel) => (
            <li key={channel.id}>
              <span>{channel.name}</span>
              <button type="button" className="button secondary small" disabled={change.pending} onClick={() => apply({ remove: [channel.id] })}>
                Remove<span className="visually-hidden"> {channel.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={change.error} />

      <ErrorAlert error={all.error} />
      {all.data && available.length > 0 && (
        <form onSubmit={add} className="inline-form">
          <div className="field">
            <label htmlFor="add-channel">Add a sales channel</label>
            <select id="add-channel" value={selected} onChange={(e) => setChoice(e.target.value)}>
              {available.map((channel) => (
                <option key={channel.id} value={channel.id}>
                  {channel.name}
                  {channel.is_disabled ? " (disabled)" : ""}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button" disabled={change.pending}>
            Add channel
          </button>
        </form>
      )}
      {all.data && available.length === 0 && <p className="hint">Every sales channel is linked already.</p>}
      <p>
        <Link to="/sales-channels">Create a sales channel</Link>
      </p>
    </section>
  )
}
