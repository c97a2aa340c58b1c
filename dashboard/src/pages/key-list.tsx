import { useEffect, useState, type FormEvent } from "react"
import { useLoad } from "../async"
import { DateTime } from "../components/date-time"
import { ErrorAlert } from "../components/error-alert"
import { PageTitle } from "../components/page-title"
import { Pager } from "../components/pager"
import { KEY_KINDS, type KeyType } from "../keys/kinds"
import { STATUS_LABEL, isStatusFilter, keyStatus, statusFilterParams, type StatusFilter } from "../keys/status"
import { Link, useRouter, withQuery } from "../router"
import { useSession } from "../session"

export const PAGE_SIZE = 20

/**
 * A list of one kind of key, as Medusa's settings show it: search (title or redacted token),
 * status filter, pages of 20, newest first. The filters live in the URL, so reload and the back
 * button keep them.
 */
export function KeyList({ type }: { type: KeyType }) {
  const kind = KEY_KINDS[type]
  const { sdk } = useSession()
  const { location, navigate } = useRouter()
  const q = location.search.get("q") ?? ""
  const rawStatus = location.search.get("status")
  const status: StatusFilter = isStatusFilter(rawStatus) ? rawStatus : "all"
  const offset = Math.max(0, Number(location.search.get("offset")) || 0)
  const [search, setSearch] = useState(q)
  useEffect(() => setSearch(q), [q])

  const list = useLoad(
    () =>
      sdk.admin.apiKey.list({
        type,
        q: q || undefined,
        ...statusFilterParams(status, new Date()),
        limit: PAGE_SIZE,
        offset,
        order: "-created_at,-id",
      }),
    [sdk, type, q, status, offset]
  )

  const go = (params: { q?: string; status?: StatusFilter; offset?: number }) => {
    const next = { q, status, offset: 0, ...params }
    navigate(withQuery(kind.path, { q: next.q, status: next.status === "all" ? undefined : next.status, offset: next.offset }))
  }
  const submitSearch = (event: FormEvent) => {
    event.preventDefault()
    go({ q: search.trim() })
  }

  const keys = list.data?.api_keys ?? []
  const filtered = q !== "" || status !== "all"
  return (
    <>
      <div className="page-head">
        <PageTitle>{kind.plural}</PageTitle>
        <Link to={`${kind.path}/create`} className="button">
          Create {kind.singular}
        </Link>
      </div>
      <p className="lead">{kind.description}</p>

      <form role="search" aria-label={kind.plural} className="filters" onSubmit={submitSearch}>
        <div className="field">
          <label htmlFor="key-search">Search</label>
          <input id="key-search" type="search" value={search} placeholder="Title or token" onChange={(e) => setSearch(e.target.value)} />
        </div>
        <button type="submit" className="button secondary">
          Search
        </button>
        <div className="field">
          <label htmlFor="key-status">Status</label>
          <select id="key-status" value={status} onChange={(e) => go({ status: e.target.value as StatusFilter })}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </select>
        </div>
      </form>

      <ErrorAlert error={list.error} />
      <div className="table-region" aria-busy={list.loading}>
        {list.data && keys.length === 0 && (
          <p className="empty">{filtered ? `No ${kind.pluralInText} match these filters.` : `No ${kind.pluralInText} yet.`}</p>
        )}
        {keys.length > 0 && (
          <table className="list">
            <caption className="visually-hidden">{kind.plural}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Token</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <th scope="row" data-label="Title">
                    <Link to={`/keys/${encodeURIComponent(key.id)}`}>{key.title || "(untitled)"}</Link>
                  </th>
                  <td data-label="Token">
                    <code>{key.redacted}</code>
                  </td>
                  <td data-label="Status">
                    <span className={`badge ${keyStatus(key)}`}>{STATUS_LABEL[keyStatus(key)]}</span>
                  </td>
                  <td data-label="Created">
                    <DateTime value={key.created_at} />
                  </td>
                  <td data-label="Last used">
                    <DateTime value={key.last_used_at} fallback="Never" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.loading && !list.data && <p>Loading…</p>}
      </div>
      {list.data && list.data.count > 0 && (
        // The page the rows shown came from, not the one requested: while the next page loads,
        // the range must still describe the rows on screen.
        <Pager offset={list.data.offset} limit={PAGE_SIZE} count={list.data.count} noun={kind.pluralInText} onPage={(next) => go({ offset: next })} />
      )}
    </>
  )
}
