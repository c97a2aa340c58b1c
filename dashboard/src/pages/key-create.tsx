import { useId, useState, type FormEvent } from "react"
import { useAction } from "../async"
import { ErrorAlert } from "../components/error-alert"
import { PageTitle } from "../components/page-title"
import { FieldBlock } from "../keys/field-block"
import { CREATE_FIELDS, forType } from "../keys/fields"
import { KEY_KINDS, type KeyType } from "../keys/kinds"
import { TokenReveal } from "../keys/token-reveal"
import { Link } from "../router"
import type { AdminApiKey, AdminCreateApiKey } from "../sdk"
import { useSession } from "../session"

/** A setting left empty is not sent: the key gets the server's default (Medusa's behaviour). */
function withoutUnset(body: AdminCreateApiKey): AdminCreateApiKey {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== undefined)) as AdminCreateApiKey
}

/** The create form (fields from CREATE_FIELDS), then the new token, once. */
export function KeyCreate({ type }: { type: KeyType }) {
  const kind = KEY_KINDS[type]
  const { sdk } = useSession()
  const fields = forType(CREATE_FIELDS, type)
  const formId = useId()
  const [values, setValues] = useState<Record<string, unknown>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])))
  const [created, setCreated] = useState<AdminApiKey | undefined>(undefined)
  const create = useAction(async () => {
    const body = fields.reduce<AdminCreateApiKey>((acc, field) => ({ ...acc, ...field.toBody(values[field.name]) }), { title: "", type })
    return (await sdk.admin.apiKey.create(withoutUnset(body))).api_key
  })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const done = await create.run()
    if (done) setCreated(done.value)
  }

  if (created) {
    return (
      <>
        <PageTitle>{`Created ${kind.singular}`}</PageTitle>
        <TokenReveal apiKey={created} heading={`Token of “${created.title}”`} />
        <p>
          <Link to={kind.path}>Back to {kind.pluralInText}</Link>
        </p>
      </>
    )
  }
  return (
    <>
      <PageTitle>{`Create ${kind.singular}`}</PageTitle>
      <form onSubmit={submit} className="stack narrow">
        {fields.map((field) => (
          <FieldBlock
            key={field.name}
            field={field}
            idPrefix={formId}
            value={values[field.name]}
            onChange={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
          />
        ))}
        <div className="actions">
          <button type="submit" className="button" disabled={create.pending}>
            {create.pending ? "Creating…" : `Create ${kind.singular}`}
          </button>
          <Link to={kind.path} className="button secondary">
            Cancel
          </Link>
        </div>
        <ErrorAlert error={create.error} />
      </form>
    </>
  )
}
