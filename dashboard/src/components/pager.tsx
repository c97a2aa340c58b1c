interface PagerProps {
  offset: number
  limit: number
  count: number
  /** What is paged, for the label ("publishable API keys"). */
  noun: string
  onPage(offset: number): void
}

/** "1–20 of 45" with Previous / Next. */
export function Pager({ offset, limit, count, noun, onPage }: PagerProps) {
  const first = count === 0 ? 0 : offset + 1
  const last = Math.min(offset + limit, count)
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <span>
        {first}–{last} of {count}
      </span>
      <button type="button" className="button secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        Previous page
      </button>
      <button type="button" className="button secondary" disabled={offset + limit >= count} onClick={() => onPage(offset + limit)}>
        Next page
      </button>
    </nav>
  )
}
