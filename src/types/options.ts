import type { ModuleDatabaseOptions } from "../modules-sdk/database"
import type { ScryptParams } from "../services/token"

export interface SecretKeyLimitOption {
  /** How many active secret keys may exist in one scope (Medusa's old rule is 1). */
  max: number
  /** One scope per creator (`created_by`), or one for the whole store. */
  per: "created_by" | "store"
}

export interface ApiKeyModuleOptions {
  database?: ModuleDatabaseOptions
  /** scrypt cost for new secret keys. Default { logN: 14, r: 8, p: 1 }, Medusa's cost. */
  scrypt?: Partial<ScryptParams>
  /** Off by default: any number of active secret keys. */
  secretKeyLimit?: SecretKeyLimitOption
}
