import { Migration20240604100512_create_api_key } from "./Migration20240604100512_create_api_key"
import { Migration20261126000000_api_key_token_lookup } from "./Migration20261126000000_api_key_token_lookup"
import { Migration20261127000000_api_key_history } from "./Migration20261127000000_api_key_history"
import { Migration20261128000000_api_key_least_privilege } from "./Migration20261128000000_api_key_least_privilege"

/** The API key module's migrations, oldest first. Listed explicitly so builds need no globbing. */
export const apiKeyMigrations = [
  { name: "Migration20240604100512_create_api_key", class: Migration20240604100512_create_api_key },
  { name: "Migration20261126000000_api_key_token_lookup", class: Migration20261126000000_api_key_token_lookup },
  { name: "Migration20261127000000_api_key_history", class: Migration20261127000000_api_key_history },
  { name: "Migration20261128000000_api_key_least_privilege", class: Migration20261128000000_api_key_least_privilege },
]
