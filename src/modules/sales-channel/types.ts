import type { ModuleDatabaseOptions } from "../../framework/modules-sdk/database"
import type { FindConfig } from "../api-key/types/api-key"
import type { SalesChannelField } from "./models/sales-channel"

export interface SalesChannelModuleOptions {
  database?: ModuleDatabaseOptions
}

/** What every read returns. */
export interface SalesChannelDTO {
  id: string
  name: string
  description: string | null
  is_disabled: boolean
  created_at: Date
  updated_at: Date
  deleted_at: Date | null
}

export interface CreateSalesChannelDTO {
  name: string
  description?: string | null
  is_disabled?: boolean
}

export interface UpdateSalesChannelDTO {
  name?: string
  description?: string | null
  is_disabled?: boolean
}

export interface FilterableSalesChannelProps {
  id?: string | string[]
  name?: string | string[]
  /** Case-insensitive search in name and description. */
  q?: string
  is_disabled?: boolean
}

export type SalesChannelFindConfig = FindConfig<SalesChannelField>

/** One publishable key ↔ sales channel pair. */
export interface PublishableKeySalesChannelLink {
  publishable_key_id: string
  sales_channel_id: string
}

export interface FilterablePublishableKeyLinkProps {
  publishable_key_id?: string[]
  sales_channel_id?: string[]
}
