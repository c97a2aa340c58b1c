import type { LinkDefinition, LinkMigrations } from "../framework/modules-sdk/links"
import { ADOPTED_LINK_MIGRATIONS, linkMigrations } from "../../migrations/links"
import publishableApiKeySalesChannel from "./publishable-api-key-sales-channel"

/** The links this package declares; the host loads each one whose two modules the app runs. */
export const builtInLinks: LinkDefinition[] = [publishableApiKeySalesChannel]

export const builtInLinkMigrations: LinkMigrations = { list: linkMigrations, adopted: ADOPTED_LINK_MIGRATIONS }

export { publishableApiKeySalesChannel }
