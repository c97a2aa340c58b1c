/**
 * Medusa's error type. `type` is what callers branch on and what the HTTP layer maps to a
 * status code; `message` must tell the user what to fix.
 */
export class MedusaError extends Error {
  static Types = {
    DB_ERROR: "database_error",
    DUPLICATE_ERROR: "duplicate_error",
    INVALID_ARGUMENT: "invalid_argument",
    INVALID_DATA: "invalid_data",
    UNAUTHORIZED: "unauthorized",
    NOT_FOUND: "not_found",
    NOT_ALLOWED: "not_allowed",
    UNEXPECTED_STATE: "unexpected_state",
    CONFLICT: "conflict",
    PAYMENT_AUTHORIZATION_ERROR: "payment_authorization_error",
    // Beyond Medusa's set (see DESIGN "Decisions"): a missing scope or origin, a rate limit, a database outage.
    FORBIDDEN: "forbidden",
    TOO_MANY_REQUESTS: "too_many_requests",
    SERVICE_UNAVAILABLE: "service_unavailable",
  } as const

  static Codes = {
    INSUFFICIENT_INVENTORY: "insufficient_inventory",
    CART_INCOMPATIBLE_STATE: "cart_incompatible_state",
  } as const

  readonly __isMedusaError = true
  readonly type: string
  readonly code?: string
  readonly date: Date

  constructor(type: string, message: string, code?: string, ...params: unknown[]) {
    super(message, ...(params as []))
    this.name = "MedusaError"
    this.type = type
    this.code = code
    this.date = new Date()
  }

  /** True for MedusaErrors, also across copies of this package loaded twice. */
  static isMedusaError(error: unknown): error is MedusaError {
    return error instanceof MedusaError || (!!error && (error as MedusaError).__isMedusaError === true)
  }
}

export type MedusaErrorType = (typeof MedusaError.Types)[keyof typeof MedusaError.Types]
