import type { ModuleDatabaseOptions } from "../../../framework/modules-sdk/database"
import type { InferDTO, InferFilters } from "../../../framework/modules-sdk/model"
import type { FindConfig } from "../../../framework/modules-sdk/service"
import type { SalesChannel } from "../models/sales-channel"

export interface SalesChannelModuleOptions {
  database?: ModuleDatabaseOptions
}

/** What every read returns (derived from the model). */
export type SalesChannelDTO = InferDTO<typeof SalesChannel>

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

/** Any readable field, `q` (name and description), `$and`, `$or`. */
export type FilterableSalesChannelProps = InferFilters<typeof SalesChannel>

export type SalesChannelFindConfig = FindConfig<keyof SalesChannelDTO & string>

export interface SalesChannelTypes {
  dto: SalesChannelDTO
  create: CreateSalesChannelDTO
  update: UpdateSalesChannelDTO
  filters: FilterableSalesChannelProps
}
