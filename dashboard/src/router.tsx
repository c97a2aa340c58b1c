import { createContext, useCallback, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from "react"

/** Where the server serves the dashboard (vite's `base`). Paths inside the app are relative to it. */
export const BASE = "/app"

interface Location {
  /** The path inside the app, e.g. `/keys/apk_1` ("/" for the start page). */
  path: string
  search: URLSearchParams
}

interface Router {
  location: Location
  navigate(to: string, options?: { replace?: boolean }): void
}

const RouterContext = createContext<Router | undefined>(undefined)

function readLocation(): Location {
  const { pathname, search } = window.location
  const inside = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname
  return { path: inside.replace(/\/+$/, "") || "/", search: new URLSearchParams(search) }
}

/**
 * A small history router: real URLs under /app (the server answers index.html for all of them),
 * so reload, deep links and the back button work.
 */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(readLocation)
  useEffect(() => {
    const onPop = () => setLocation(readLocation())
    window.addEventListener("popstate", onPop)
    return () => window.removeEventListener("popstate", onPop)
  }, [])
  const navigate = useCallback((to: string, options: { replace?: boolean } = {}) => {
    const url = BASE + to
    if (options.replace) window.history.replaceState(null, "", url)
    else window.history.pushState(null, "", url)
    setLocation(readLocation())
  }, [])
  const router = useMemo(() => ({ location, navigate }), [location, navigate])
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>
}

export function useRouter(): Router {
  const router = useContext(RouterContext)
  if (!router) throw new Error("useRouter needs a RouterProvider")
  return router
}

/** `path` with `params` as its query string, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "" && value !== 0) search.set(name, String(value))
  const query = search.toString()
  return query ? `${path}?${query}` : path
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string }

/** A real link (open in a new tab works); a plain click navigates inside the page. */
export function Link({ to, onClick, ...props }: LinkProps) {
  const { navigate } = useRouter()
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event)
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(to)
  }
  return <a href={BASE + to} onClick={handleClick} {...props} />
}
