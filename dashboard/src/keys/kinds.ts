export type KeyType = "publishable" | "secret"

export interface KeyKind {
  type: KeyType
  /** The list's heading, as Medusa's settings name it. */
  plural: string
  /** The same inside a sentence. */
  pluralInText: string
  singular: string
  /** The list's path inside the app. */
  path: string
  description: string
}

export const KEY_KINDS: Record<KeyType, KeyKind> = {
  publishable: {
    type: "publishable",
    plural: "Publishable API keys",
    pluralInText: "publishable API keys",
    singular: "publishable API key",
    path: "/publishable-keys",
    description: "Storefronts send these in x-publishable-api-key. A key sees only its sales channels. Its token is public.",
  },
  secret: {
    type: "secret",
    plural: "Secret API keys",
    pluralInText: "secret API keys",
    singular: "secret API key",
    path: "/secret-keys",
    description: "Scripts and this dashboard use these for the admin API. The server keeps only a hash: a token is shown once, when it is made.",
  },
}

export function isKeyType(value: string): value is KeyType {
  return value === "publishable" || value === "secret"
}
