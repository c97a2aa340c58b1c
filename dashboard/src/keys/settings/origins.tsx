import type { DetailRow, SettingField } from "../field-types"

/** A publishable key's allowed browser origins, one per line; none: any origin (Medusa's behaviour). */
export const originsField: SettingField<string> = {
  name: "allowed_origins",
  label: "Allowed origins",
  types: ["publishable"],
  hint: "One per line, e.g. https://shop.example.com or https://*.example.com. Browsers on other sites are refused (403). Empty: any origin. Servers, which send no Origin, are not affected.",
  initial: "",
  fromKey: (key) => (key.allowed_origins ?? []).join("\n"),
  control: ({ id, value, onChange, describedBy }) => (
    <textarea id={id} rows={3} spellCheck={false} autoComplete="off" value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)} />
  ),
  toBody: (value) => {
    const origins = value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
    return { allowed_origins: origins.length ? origins : null }
  },
}

export const originsRow: DetailRow = {
  label: "Allowed origins",
  types: ["publishable"],
  value: (key) =>
    !key.allowed_origins ? (
      "Any origin"
    ) : key.allowed_origins.length === 0 ? (
      "No browser origin (servers only)"
    ) : (
      <ul className="plain-list" aria-label="Allowed origins">
        {key.allowed_origins.map((origin) => (
          <li key={origin}>
            <code>{origin}</code>
          </li>
        ))}
      </ul>
    ),
}
