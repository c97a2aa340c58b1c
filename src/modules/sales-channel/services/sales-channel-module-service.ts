import { MedusaService } from "../../../framework/modules-sdk/service"
import { SalesChannel } from "../models/sales-channel"
import type { SalesChannelTypes } from "../types"

/**
 * Medusa's Sales Channel Module service: everything it does is generated from the model (both
 * naming eras: `createSalesChannels` / `create`, `listSalesChannels` / `list` …). It knows
 * nothing of api keys; the publishable key ↔ sales channel link is declared in src/links.
 */
export class SalesChannelModuleService extends MedusaService<{ SalesChannel: SalesChannelTypes }>({ SalesChannel }) {}
