import { useState, type FormEvent } from "react"
import { useAction, useLoad } from "../async"
import { DateTime } from "../components/date-time"
import { ErrorAlert } from "../components/error-alert"
import { PageTitle } from "../components/page-title"
import { Pager } from "../components/pager"
import { useRouter, withQuery } from "../router"
import { useSession } from "../session"
import { PAGE_SIZE } from "./key-list"

/** Sales channels: create one (to link to publishable keys), and the list of them. */
export function SalesChannels() {
  const { sdk } = useSession()
  const { location, navigate } = useRouter()
  const offset = Math.max(0, Number(location.search.get("offset")) || 0)
  const list = useLoad(() => sdk.admin.salesChannel.list({ limit: PAGE_SIZE, offset, order: "name" }), [sdk, offset])

  const [name, setName] = useState("")
  const [description, setDescription] = useState("")
  const [created, setCreated] = useState<string | undefined>(undefined)
  const create = useAction(async () => (await sdk.admin.salesChannel.create({ name: name.trim(), description: description.trim() || null })).sales_channel)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setCreated(undefined)
    const done = await create.run()
    if (done) {
      setCreated(done.value.name)
      setName("")
      setDescription("")
      list.reload()
    }
  }

  const channels = list.data?.sales_channels ?? []
  return (
    <>
      <PageTitle>Sales channels</PageTitle>
      <p className="lead">Link channels to a publishable API key on the key’s page: a storefront with that key sees only them.</p>

      <section aria-labelledby="create-channel-heading" className="panel">
        <h2 id="create-channel-heading">Create a sales channel</h2>
        <form onSubmit={submit} className="stack narrow">
          <div className="field">
            <label htmlFor="channel-name">Name</label>
            <input id="channel-name" required maxLength={255} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="channel-description">Description (optional)</label>
            <input id="channel-description" maxLength={1000} autoComplete="off" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" className="button" disabled={create.pending}>
              {create.pending ? "Creating…" : "Create sales channel"}
            </button>
            <span role="status">{created ? `Created “${created}”.` : ""}</span>
          </div>
          <ErrorAlert error={create.error} />
        </form>
      </section>

      <ErrorAlert error={list.error} />
      <div className="table-region" aria-busy={list.loading}>
        {list.data && channels.length === 0 && <p className="empty">No sales channels yet.</p>}
        {channels.length > 0 && (
          <table className="list">
            <caption className="visually-hidden">Sales channels</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((channel) => (
                <tr key={channel.id}>
                  <th scope="row" data-label="Name">
                    {channel.name}
                  </th>
                  <td data-label="Description">{channel.description || "—"}</td>
                  <td data-label="Status">
                    <span className={`badge ${channel.is_disabled ? "revoked" : "active"}`}>{channel.is_disabled ? "Disabled" : "Enabled"}</span>
                  </td>
                  <td data-label="Created">
                    <DateTime value={channel.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {list.data && list.data.count > 0 && (
        // The page the rows shown came from, not the one requested: while the next page loads,
        // the range must still describe the rows on screen.
        <Pager offset={list.data.offset} limit={PAGE_SIZE} count={list.data.count} noun="sales channels" onPage={(next) => navigate(withQuery("/sales-channels", { offset: next }))} />
      )}
    </>
  )
}
