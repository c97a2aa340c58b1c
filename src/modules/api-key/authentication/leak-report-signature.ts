import { createPublicKey, verify, type KeyObject } from "node:crypto"
import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"

/**
 * Who may report a leaked token: GitHub's secret scanning partner programme signs each report
 * with ECDSA on NIST P-256 over SHA-256 of the raw body, base64 of the DER signature in
 * `Github-Public-Key-Signature`, and names the key in `Github-Public-Key-Identifier`. The public
 * keys are a module option (GitHub publishes them at
 * https://api.github.com/meta/public_keys/secret_scanning); none configured means no report is
 * ever accepted.
 */

export type SecretScanningKeys = ReadonlyMap<string, KeyObject>

/** Parses the `secretScanning` option once, at load: a bad key fails the start, naming the entry. */
export function validateSecretScanningOption(option: unknown): SecretScanningKeys {
  if (option === undefined) return new Map()
  const usage = `secretScanning must be an object like { publicKeys: [{ key_identifier, key }] } (the key a PEM ECDSA P-256 public key)`
  if (!isPlainObject(option) || !Array.isArray(option.publicKeys)) throw invalid(usage)
  const keys = new Map<string, KeyObject>()
  option.publicKeys.forEach((entry: unknown, index: number) => {
    const where = `secretScanning.publicKeys[${index}]`
    if (!isPlainObject(entry) || typeof entry.key_identifier !== "string" || entry.key_identifier === "" || typeof entry.key !== "string") {
      throw invalid(`${where} must be an object with a key_identifier (non-empty string) and a key (PEM string)`)
    }
    if (keys.has(entry.key_identifier)) throw invalid(`${where}: the key_identifier ${JSON.stringify(entry.key_identifier)} is listed twice`)
    keys.set(entry.key_identifier, parseP256PublicKey(entry.key, where))
  })
  return keys
}

function parseP256PublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch (error) {
    throw invalid(`${where}.key is not a PEM public key (${error instanceof Error ? error.message : String(error)})`)
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw invalid(`${where}.key must be an ECDSA P-256 public key, as GitHub's secret scanning keys are; got ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ""}`.trim())
  }
  return key
}

/** A DER ECDSA P-256 signature is at most 72 bytes (96 base64 characters); anything longer is not one. */
const SIGNATURE = /^[A-Za-z0-9+/]{1,200}={0,2}$/

/**
 * True when `signature` is the named key's signature of exactly these bytes. Never throws: a
 * missing, unknown or garbled header is a plain "no" (the caller answers 401 the same way for all).
 */
export function verifyLeakReportSignature(keys: SecretScanningKeys, payload: Buffer, keyIdentifier: unknown, signature: unknown): boolean {
  if (typeof keyIdentifier !== "string" || typeof signature !== "string" || !SIGNATURE.test(signature)) return false
  const key = keys.get(keyIdentifier)
  if (!key) return false
  try {
    return verify("sha256", payload, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"))
  } catch {
    return false
  }
}
