import { randomBytes, scrypt } from "node:crypto"
import { promisify } from "node:util"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

/**
 * Keys created by Medusa's own module have no lookup digest until first used, so they are found
 * by their redacted form: 9 visible characters a forger can copy. Such forgeries must get a
 * bounded share of scrypt, never the capacity valid keys need.
 */

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>
const redact = (token: string) => `${token.slice(0, 6)}***${token.slice(-3)}`

async function insertMedusaKey(f: ModuleFixture, id: string): Promise<string> {
  const token = `sk_${randomBytes(32).toString("hex")}`
  const salt = randomBytes(16).toString("hex")
  const hash = (await scryptAsync(token, salt, 64)).toString("hex")
  await f.query("insert into api_key (id, token, salt, redacted, title, type, created_by) values ($1, $2, $3, $4, 'Medusa key', 'secret', 'u')", [
    id,
    hash,
    salt,
    redact(token),
  ])
  return token
}

/** A token with the same first 6 and last 3 characters as `token`, and other hex in between. */
const forge = (token: string) => token.slice(0, 6) + randomBytes(29).toString("hex") + token.slice(-3)

describe("forged tokens against keys Medusa created", () => {
  let f: ModuleFixture
  beforeAll(async () => {
    f = await setupApiKeyModule({ legacyVerification: { concurrency: 1, maxQueue: 8, failuresPerKeyPerMinute: 3 } })
  })
  afterAll(async () => {
    await f.close()
  })
  const stats = () => f.service.authenticationStats()

  it("cost scrypt only until the key's failure budget is spent, and never block current-format keys", async () => {
    const legacyToken = await insertMedusaKey(f, "apk_medusa_1")
    const current = await f.service.create({ title: "current", type: "secret", created_by: "u" })
    const before = stats().scrypt.verifications
    const forged = Array.from({ length: 12 }, () => forge(legacyToken))
    const results = await Promise.all(forged.map((token) => f.service.authenticate(token)))
    expect(results.every((r) => r === false)).toBe(true)
    // Three failures spend the budget; the other nine are refused without scrypt (blocked when
    // their turn came, or turned away by the full legacy queue).
    expect(stats().scrypt.verifications - before).toBe(3)
    expect(stats().legacy.blocked + stats().legacy.refused).toBe(9)
    expect(stats().legacy.blocked).toBeGreaterThan(0)
    // A current-format key is untouched by all this.
    expect(await f.service.authenticate(current.token)).toEqual(expect.objectContaining({ id: current.id }))
  })

  it("authenticate the real token of a Medusa key whose budget is intact, and upgrade it", async () => {
    const legacyToken = await insertMedusaKey(f, "apk_medusa_2")
    expect(await f.service.authenticate(legacyToken)).toEqual(expect.objectContaining({ id: "apk_medusa_2" }))
    const [row] = await f.query("select token_lookup from api_key where id = 'apk_medusa_2'")
    expect(row.token_lookup).toMatch(/^[0-9a-f]{64}$/)
    // Upgraded: forgeries of it no longer find a legacy candidate, so they cost no scrypt at all.
    const before = stats().scrypt.verifications
    expect(await f.service.authenticate(forge(legacyToken))).toBe(false)
    expect(stats().scrypt.verifications).toBe(before)
  })

  it("refuses the options' nonsense at start-up", async () => {
    await expect(setupApiKeyModule({ legacyVerification: { failuresPerKeyPerMinute: 0 } })).rejects.toThrow(
      "legacyVerification.failuresPerKeyPerMinute must be a whole number of 1 or more; got 0"
    )
  })
})
