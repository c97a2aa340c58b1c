import express, { type Request, type RequestHandler } from "express"
import { MedusaError } from "../../../framework/modules-sdk/medusa-error"
import { apiKeyService } from "../../utils"

/** Where GitHub's secret scanning partner programme posts leak reports. */
export const SECRET_SCANNING_PATH = "/hooks/secret-scanning"
/** Largest report read (GitHub batches many matches in one request); larger ones get 413. */
export const SECRET_SCANNING_BODY_LIMIT = "1mb"

const KEY_IDENTIFIER_HEADER = "Github-Public-Key-Identifier"
const SIGNATURE_HEADER = "Github-Public-Key-Signature"

/** One answer for every unverified report, so a caller learns nothing from which check failed. */
export function unverifiedReport(): MedusaError {
  return new MedusaError(
    MedusaError.Types.UNAUTHORIZED,
    `A secret scanning report must be signed: ${KEY_IDENTIFIER_HEADER} must name one of the api key module's secretScanning.publicKeys, and ${SIGNATURE_HEADER} must be that key's signature of the body`
  )
}

/** The reports whose signature held, by request: only this guard puts a request here. */
const verifiedReports = new WeakMap<Request, unknown>()

/** The verified report of this request, or undefined when the signature check did not pass it. */
export function verifiedReport(req: Request): unknown {
  return verifiedReports.get(req)
}

// The raw bytes, whatever the content type: the signature is over exactly what was sent.
const readRawBody = express.raw({ type: () => true, limit: SECRET_SCANNING_BODY_LIMIT })

/**
 * Runs before the app's JSON body parser (as a host guard), because the signature covers the raw
 * body: a request without both headers is refused before its body is read; then the body is read
 * raw and checked against the module's configured public keys; only then is it parsed. A body
 * read here is not read again by the JSON parser (it skips a request already read).
 */
export const verifySecretScanningReport: RequestHandler = async (req, res, next) => {
  if (req.method !== "POST" || req.path !== "/") return next()
  const keyIdentifier = req.get(KEY_IDENTIFIER_HEADER)
  const signature = req.get(SIGNATURE_HEADER)
  if (!keyIdentifier || !signature) throw unverifiedReport()
  await new Promise<void>((resolve, reject) => readRawBody(req, res, (error?: unknown) => (error ? reject(error) : resolve())))
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
  if (!apiKeyService(req.scope).verifySecretScanningSignature(raw, keyIdentifier, signature)) throw unverifiedReport()
  let report: unknown
  try {
    report = JSON.parse(raw.toString("utf8"))
  } catch {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "The secret scanning report is not JSON: send a JSON array of { token, type, url, source }")
  }
  req.body = report
  verifiedReports.set(req, report)
  next()
}
