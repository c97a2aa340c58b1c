import { useEffect } from "react"

/** The page's <h1>, also the document title. (The layout moves focus to it when a page opens.) */
export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · API keys`
  }, [children])
  return <h1 tabIndex={-1}>{children}</h1>
}
