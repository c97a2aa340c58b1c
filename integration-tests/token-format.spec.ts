import request from "supertest"
import { initialize, moduleQueryCount, Modules, SCANNER_PATTERN, type ApiKeyModuleService, type IApiKeyModuleService } from "../src"
import { failsTokenChecksum, generateToken, parseToken } from "../src/modules/api-key/authentication/token"
import { ApiKeyType } from "../src/modules/api-key/models/api-key"
import { normalizeApiKeyModuleOptions } from "../src/modules/api-key/loaders/options"
import { PUBLISHABLE_KEY_CONTEXTS, type PublishableKeyContexts } from "../src/api/store/publishable-key-contexts"
import type { Link } from "../src/framework/modules-sdk/links"
import { eventually } from "./setup/events"
import { setupHttpApp, type HttpFixture } from "./setup/http"
import { FAST_SCRYPT, setupApiKeyModule, type ModuleFixture } from "./setup/module"

/**
 * The checksummed token format (`tokenFormat: "checksummed"`): what it looks like, that its
 * checksum is the documented one, that a token failing it costs no cache or database work on any
 * path (authenticate, /admin, the store guard), and that keys of both formats work side by side.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit: independent of zlib's. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff
  for (const byte of Buffer.from(text, "ascii")) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

function fromBase62(digits: string): bigint {
  let value = 0n
  for (const digit of digits) value = value * 62n + BigInt(BASE62.indexOf(digit))
  return value
}

function toBase62(value: bigint, length: number): string {
  let digits = ""
  for (let i = 0; i < length; i++) {
    digits = BASE62[Number(value % 62n)] + digits
    value /= 62n
  }
  return digits
}

/** The token with the character at `index` replaced by another base62 character. */
function withCharChanged(token: string, index: number): string {
  const replacement = BASE62[(BASE62.indexOf(token[index]) + 1 + Math.floor(Math.random() * 60)) % 62]
  return token.slice(0, index) + replacement + token.slice(index + 1)
}

/** A checksummed token whose checksum fails: a fresh one each call, so no cache could have seen it. */
const badChecksum = (type: ApiKeyType) => withCharChanged(generateToken(type, "checksummed"), 10)

describe("the checksummed token format", () => {
  it("is sk_ or pk_ and 49 base62 characters, which the documented scanner pattern finds in text", () => {
    for (const type of [ApiKeyType.SECRET, ApiKeyType.PUBLISHABLE]) {
      for (let i = 0; i < 300; i++) {
        const token = generateToken(type, "checksummed")
        expect(token).toMatch(type === ApiKeyType.SECRET ? /^sk_[0-9A-Za-z]{49}$/ : /^pk_[0-9A-Za-z]{49}$/)
        expect(`const key = "${token}"; // in a commit`.match(SCANNER_PATTERN)?.[0]).toBe(token)
        expect(parseToken(token)).toEqual({ type, format: "checksummed" })
      }
    }
    // Medusa's hex tokens are not what scanners look for, and their own pattern is unchanged.
    expect(SCANNER_PATTERN.test(generateToken(ApiKeyType.SECRET))).toBe(false)
    expect(generateToken(ApiKeyType.SECRET)).toMatch(/^sk_[0-9a-f]{64}$/)
  })

  it("holds 32 random bytes in 43 base62 characters and ends with the base62 CRC32 of everything before it", () => {
    let highestFirstDigit = 0
    for (let i = 0; i < 300; i++) {
      const token = generateToken(ApiKeyType.SECRET, "checksummed")
      expect(fromBase62(token.slice(3, 46)) < 2n ** 256n).toBe(true)
      highestFirstDigit = Math.max(highestFirstDigit, BASE62.indexOf(token[3]))
      // The checksum covers the prefix too: CRC32 of the first 46 ASCII characters, 6 base62 digits, left-padded.
      expect(token.slice(46)).toBe(toBase62(BigInt(referenceCrc32(token.slice(0, 46))), 6))
    }
    // Left-padded: a 43-digit number below 2^256 starts with a digit of at most "Y" (60); 300 draws reach past "9".
    expect(highestFirstDigit).toBeGreaterThan(9)
    expect(highestFirstDigit).toBeLessThanOrEqual(60)
  })

  it("fails the checksum when any character changes or the prefix is swapped", () => {
    const token = generateToken(ApiKeyType.SECRET, "checksummed")
    for (let index = 3; index < token.length; index++) {
      const typo = withCharChanged(token, index)
      expect(parseToken(typo)).toBeNull()
      expect(failsTokenChecksum(typo)).toBe(true)
    }
    const swapped = `pk_${token.slice(3)}`
    expect(parseToken(swapped)).toBeNull()
    expect(failsTokenChecksum(swapped)).toBe(true)
    // Anything not in the checksummed shape is not a checksum failure (the store still looks it up).
    for (const other of [generateToken(ApiKeyType.PUBLISHABLE), "pk_short", `pk_${"a".repeat(50)}`, "", 42, null]) expect(failsTokenChecksum(other)).toBe(false)
  })

  it("is refused as an option value other than medusa or checksummed", () => {
    expect(normalizeApiKeyModuleOptions({}).tokenFormat).toBe("medusa")
    expect(normalizeApiKeyModuleOptions({ tokenFormat: "checksummed" }).tokenFormat).toBe("checksummed")
    expect(() => normalizeApiKeyModuleOptions({ tokenFormat: "base64" })).toThrow('tokenFormat must be "medusa" (the default) or "checksummed"; got "base64"')
  })
})

describe("a module making checksummed tokens", () => {
  let f: ModuleFixture
  /** A second instance on the same database that makes Medusa's hex tokens (the format before a switch). */
  let medusaFormat: ApiKeyModuleService

  beforeAll(async () => {
    f = await setupApiKeyModule({ tokenFormat: "checksummed" })
    medusaFormat = await initialize({ database: { clientUrl: f.database.url }, scrypt: FAST_SCRYPT })
    expect(await eventually(() => f.service.authenticationStats().listening, 10_000)).toBe(true)
  })
  afterAll(async () => {
    await medusaFormat?.onApplicationShutdown()
    await f?.close()
  })

  it("creates keys in the format with Medusa's redacted form", async () => {
    const [secret, publishable] = await f.service.createApiKeys([
      { title: "checksummed secret", type: "secret", created_by: "test" },
      { title: "checksummed publishable", type: "publishable", created_by: "test" },
    ])
    expect(secret.token).toMatch(/^sk_[0-9A-Za-z]{49}$/)
    expect(publishable.token).toMatch(/^pk_[0-9A-Za-z]{49}$/)
    expect(secret.redacted).toBe(`${secret.token.slice(0, 6)}***${secret.token.slice(-3)}`)
    expect((await f.service.authenticate(secret.token)) as { id: string }).toMatchObject({ id: secret.id })
    expect((await f.service.retrieveApiKey(publishable.id)).token).toBe(publishable.token)
  })

  it("rejects a token whose checksum fails with no query, no cache lookup and no scrypt", async () => {
    const key = await f.service.createApiKeys({ title: "near miss", type: "secret", created_by: "test" })
    await f.service.authenticate(key.token)
    await f.service.flushLastUsed()
    const cacheCalls = () => {
      const cache = f.service.authenticationStats().cache!
      return cache.hits + cache.rejections + cache.misses + cache.bypassed
    }
    const before = { queries: moduleQueryCount(), cache: cacheCalls(), scrypt: f.service.authenticationStats().scrypt.verifications }
    for (let i = 0; i < 50; i++) expect(await f.service.authenticate(withCharChanged(key.token, 3 + (i % 49)))).toBe(false)
    expect(moduleQueryCount() - before.queries).toBe(0)
    expect(cacheCalls() - before.cache).toBe(0)
    expect(f.service.authenticationStats().scrypt.verifications - before.scrypt).toBe(0)
    // The counting works: a well-formed token of no key costs its one lookup.
    expect(await f.service.authenticate(generateToken(ApiKeyType.SECRET, "checksummed"))).toBe(false)
    expect(moduleQueryCount() - before.queries).toBe(1)
  })

  it("never spends scrypt on a key Medusa made for a checksummed token that shares its redacted form", async () => {
    const token = generateToken(ApiKeyType.SECRET, "checksummed")
    // A row shaped like a key Medusa's own module made (hex scrypt hash, no lookup digest), with the
    // checksummed token's redacted form: Medusa never makes such tokens, so it is not a candidate.
    const key = await f.service.createApiKeys({ title: "made by Medusa", type: "secret", created_by: "test" })
    await f.query(`update api_key set token = $1, salt = $2, token_lookup = null, redacted = $3 where id = $4`, [
      "ab".repeat(64),
      "cd".repeat(16),
      `${token.slice(0, 6)}***${token.slice(-3)}`,
      key.id,
    ])
    const before = f.service.authenticationStats().scrypt.verifications
    expect(await f.service.authenticate(token)).toBe(false)
    expect(f.service.authenticationStats().scrypt.verifications - before).toBe(0)
    // The same row is a candidate for a hex token with that redacted form (and costs its scrypt).
    const hex = generateToken(ApiKeyType.SECRET)
    await f.query(`update api_key set redacted = $1 where id = $2`, [`${hex.slice(0, 6)}***${hex.slice(-3)}`, key.id])
    expect(await f.service.authenticate(hex)).toBe(false)
    expect(f.service.authenticationStats().scrypt.verifications - before).toBe(1)
  })

  it("authenticates keys of both formats side by side, whichever format an instance makes", async () => {
    const checksummed = await f.service.createApiKeys({ title: "after the switch", type: "secret", created_by: "test" })
    const hex = await medusaFormat.createApiKeys({ title: "before the switch", type: "secret", created_by: "test" })
    expect(hex.token).toMatch(/^sk_[0-9a-f]{64}$/)
    for (const service of [f.service, medusaFormat]) {
      expect(await service.authenticate(checksummed.token)).toMatchObject({ id: checksummed.id })
      expect(await service.authenticate(hex.token)).toMatchObject({ id: hex.id })
    }
  })
})

describe("checksummed tokens over HTTP", () => {
  let fx: HttpFixture
  let medusaFormat: ApiKeyModuleService
  let contexts: PublishableKeyContexts

  beforeAll(async () => {
    fx = await setupHttpApp({ apiKey: { tokenFormat: "checksummed" } })
    medusaFormat = await initialize({ database: { clientUrl: fx.database.url }, scrypt: FAST_SCRYPT })
    contexts = fx.medusa.container.resolve(PUBLISHABLE_KEY_CONTEXTS)
    expect(await eventually(() => !!contexts.stats()?.serving, 10_000)).toBe(true)
  })
  afterAll(async () => {
    await medusaFormat?.onApplicationShutdown()
    await fx?.close()
  })

  async function storeKey(service: IApiKeyModuleService, title: string) {
    const key = await service.createApiKeys({ title, type: "publishable", created_by: "test" })
    const channel = await fx.salesChannels.createSalesChannels({ name: title })
    await fx.medusa.container.resolve<Link>("link").create({
      [Modules.API_KEY]: { publishable_key_id: key.id },
      [Modules.SALES_CHANNEL]: { sales_channel_id: channel.id },
    })
    return key
  }

  it("refuses a checksum failure on /admin and /store before any cache or database work", async () => {
    expect(fx.adminToken).toMatch(/^sk_[0-9A-Za-z]{49}$/)
    await fx.apiKeys.flushLastUsed()
    const storeCacheCalls = () => {
      const stats = contexts.stats()!
      return stats.hits + stats.rejections + stats.misses + stats.bypassed
    }
    const before = { queries: moduleQueryCount(), store: storeCacheCalls() }
    for (let i = 0; i < 10; i++) {
      const admin = await request(fx.app).get("/admin/api-keys").set("Authorization", `Bearer ${badChecksum(ApiKeyType.SECRET)}`)
      expect([admin.status, admin.body]).toEqual([401, { type: "unauthorized", message: "Unauthorized" }])
      const store = await request(fx.app).get("/store/sales-channels").set("x-publishable-api-key", badChecksum(ApiKeyType.PUBLISHABLE))
      expect([store.status, store.body]).toEqual([400, { type: "not_allowed", message: "A valid publishable key is required to proceed with the request" }])
    }
    expect(moduleQueryCount() - before.queries).toBe(0)
    expect(storeCacheCalls() - before.store).toBe(0)
    // The counting works: an unknown well-formed publishable token is looked up once.
    await request(fx.app).get("/store/sales-channels").set("x-publishable-api-key", generateToken(ApiKeyType.PUBLISHABLE, "checksummed"))
    expect(moduleQueryCount() - before.queries).toBeGreaterThan(0)
  })

  it("rolls a key of Medusa's format into one of the current format", async () => {
    const hex = await medusaFormat.createApiKeys({ title: "to roll", type: "secret", created_by: "test" })
    const res = await request(fx.app).post(`/admin/api-keys/${hex.id}/roll`).set("Authorization", `Bearer ${fx.adminToken}`).send({})
    expect(res.status).toBe(200)
    expect(res.body.api_key.token).toMatch(/^sk_[0-9A-Za-z]{49}$/)
  })

  it("accepts secret and publishable keys of both formats", async () => {
    const hexSecret = await medusaFormat.createApiKeys({ title: "hex admin", type: "secret", created_by: "test" })
    const secrets = [fx.adminToken, hexSecret.token]
    const publishables = [(await storeKey(fx.apiKeys, "Checksummed shop")).token, (await storeKey(medusaFormat, "Hex shop")).token]
    expect(publishables[0]).toMatch(/^pk_[0-9A-Za-z]{49}$/)
    expect(publishables[1]).toMatch(/^pk_[0-9a-f]{64}$/)
    for (const token of secrets) {
      expect((await request(fx.app).get("/admin/api-keys").set("Authorization", `Bearer ${token}`)).status).toBe(200)
      expect((await request(fx.app).get("/admin/api-keys").set("Authorization", `Basic ${Buffer.from(`${token}:`).toString("base64")}`)).status).toBe(200)
    }
    for (const [token, name] of [[publishables[0], "Checksummed shop"], [publishables[1], "Hex shop"]]) {
      const res = await request(fx.app).get("/store/sales-channels").set("x-publishable-api-key", token)
      expect(res.status).toBe(200)
      expect(res.body.sales_channels.map((c: { name: string }) => c.name)).toEqual([name])
    }
  })
})
