import { useEffect, useRef, type ReactNode } from "react"
import { FlashMessage, FlashProvider } from "./flash"
import { isKeyType } from "./keys/kinds"
import { KeyCreate } from "./pages/key-create"
import { KeyDetail } from "./pages/key-detail"
import { KeyList } from "./pages/key-list"
import { NotFound } from "./pages/not-found"
import { SalesChannels } from "./pages/sales-channels"
import { SignIn } from "./pages/sign-in"
import { Link, RouterProvider, useRouter } from "./router"
import { SessionProvider, useSessionState } from "./session"

/** Path inside /app → page. */
const ROUTES: { pattern: RegExp; page(match: RegExpMatchArray): ReactNode }[] = [
  { pattern: /^\/(publishable|secret)-keys$/, page: (m) => isKeyType(m[1]) && <KeyList key={m[1]} type={m[1]} /> },
  { pattern: /^\/(publishable|secret)-keys\/create$/, page: (m) => isKeyType(m[1]) && <KeyCreate key={m[1]} type={m[1]} /> },
  { pattern: /^\/keys\/([^/]+)$/, page: (m) => <KeyDetail key={m[1]} id={decodeURIComponent(m[1])} /> },
  { pattern: /^\/sales-channels$/, page: () => <SalesChannels /> },
]

const NAV = [
  { to: "/publishable-keys", label: "Publishable API keys", section: /^\/(publishable-keys|keys\/)/ },
  { to: "/secret-keys", label: "Secret API keys", section: /^\/secret-keys/ },
  { to: "/sales-channels", label: "Sales channels", section: /^\/sales-channels/ },
]

function Page() {
  const { location, navigate } = useRouter()
  // The start page is the publishable keys, as in Medusa's settings.
  useEffect(() => {
    if (location.path === "/") navigate("/publishable-keys", { replace: true })
  }, [location.path, navigate])
  if (location.path === "/") return null
  for (const route of ROUTES) {
    const match = location.path.match(route.pattern)
    if (match) return <>{route.page(match) || <NotFound />}</>
  }
  return <NotFound />
}

function SignedIn() {
  const { signOut } = useSessionState()
  const { location } = useRouter()
  const main = useRef<HTMLElement>(null)
  const opened = useRef(false)
  // A new page takes focus at its heading (not on the first load), so keyboard and screen reader
  // users start at its top instead of on a link that is gone.
  useEffect(() => {
    if (!opened.current) {
      opened.current = true
      return
    }
    main.current?.querySelector<HTMLElement>("h1")?.focus()
  }, [location.path])
  return (
    <>
      <header className="top">
        <Link to="/publishable-keys" className="brand">
          API keys
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.section.test(location.path) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="button secondary" onClick={() => signOut("You have signed out. The key is no longer kept in this tab.")}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main}>
        <FlashMessage />
        <Page />
      </main>
    </>
  )
}

function Gate() {
  const { token } = useSessionState()
  return token ? <SignedIn /> : <SignIn />
}

export function App() {
  return (
    <RouterProvider>
      <FlashProvider>
        <SessionProvider>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <Gate />
        </SessionProvider>
      </FlashProvider>
    </RouterProvider>
  )
}
