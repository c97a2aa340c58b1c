import { PageTitle } from "../components/page-title"
import { Link } from "../router"

export function NotFound() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        There is no page here. Go to the <Link to="/publishable-keys">publishable API keys</Link> or the{" "}
        <Link to="/secret-keys">secret API keys</Link>.
      </p>
    </>
  )
}
