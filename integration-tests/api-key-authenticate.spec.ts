import { createHash, randomBytes, scrypt } from "node:crypto"
import { promisify } from "node:util"
import { MedusaError } from "../src"
import { setupApiKeyModule, type ModuleFixture } from "./setup/module"

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>

/** Counts the SQL statements the module sends, through its `database.logger` option. */
function queryCounter() {
  const statements: string[] = []
  return {
    logger: (message: string) => {
      if (message.includes("[query]")) statements.push(message)
    },
    reset: () => void (statements.length = 0),
    get count() {
      return statements.length
    },
    statements,
  }
}

/** A key exactly as Medusa's own module stores it: hex of crypto.scrypt(token, salt, 64). */
async function insertMedusaLegacyKey(f: ModuleFixture, id: string) {
  const token = `sk_${randomBytes(32).toString("hex")}`
  const salt = randomBytes(16).toString("hex")
  const hash = (await scryptAsync(token, salt, 64)).toString("hex")
  await f.query(
    `insert into api_key (id, token, salt, redacted, title, type, created_by) values ($1, $2, $3, $4, 'legacy', 'secret', 'medusa')`,
    [id, hash, salt, `${token.slice(0, 6)}***${token.slice(-3)}`]
  )
  return token
}

describe("authenticate", () => {
  let f: ModuleFixture
  const queries = queryCounter()

  beforeAll(async () => {
    f = await setupApiKeyModule({ database: { logger: queries.logger } })
  })
  afterAll(async () => {
    await f.close()
  })

  it("returns the key for a valid secret token, without its hash or salt", async () => {
    const key = await f.service.create({ title: "admin", type: "secret", created_by: "u" })
    const authenticated = await f.service.authenticate(key.token)
    expect(authenticated).toEqual(expect.objectContaining({ id: key.id, title: "admin", type: "secret", token: "" }))
    expect(authenticated).not.toHaveProperty("salt")
    expect(JSON.stringify(authenticated)).not.toMatch(/scrypt|c2NyeXB0/)
  })

  it("never authenticates a publishable key", async () => {
    const key = await f.service.create({ title: "store", type: "publishable", created_by: "u" })
    expect(await f.service.authenticate(key.token)).toBe(false)
  })

  it("does not authenticate a revoked key, but does one revoked only in the future", async () => {
    const [revoked, scheduled] = await f.service.create([
      { title: "r", type: "secret", created_by: "u" },
      { title: "s", type: "secret", created_by: "u" },
    ])
    await f.service.revoke(revoked.id)
    await f.service.revoke(scheduled.id, { revoke_in: 600 })
    expect(await f.service.authenticate(revoked.token)).toBe(false)
    expect(await f.service.authenticate(scheduled.token)).toEqual(expect.objectContaining({ id: scheduled.id }))
  })

  it("does not authenticate a deleted key", async () => {
    const key = await f.service.create({ title: "d", type: "secret", created_by: "u" })
    await f.service.revoke(key.id)
    await f.service.delete(key.id)
    expect(await f.service.authenticate(key.token)).toBe(false)
  })

  it.each([
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["an object", { token: "sk_" }],
    ["an empty string", ""],
    ["a publishable prefix", `pk_${"a".repeat(64)}`],
    ["a wrong prefix", `xk_${"a".repeat(64)}`],
    ["a short token", `sk_${"a".repeat(63)}`],
    ["a long token", `sk_${"a".repeat(65)}`],
    ["upper-case hex", `sk_${"A".repeat(64)}`],
    ["non-hex characters", `sk_${"g".repeat(64)}`],
    ["a 10 MB string", `sk_${"a".repeat(10 * 1024 * 1024)}`],
    ["SQL", "sk_' or 1=1 --"],
  ])("returns false for %s without touching the database or scrypt", async (_label, input) => {
    const scryptBefore = f.service.authenticationStats().scrypt.verifications
    queries.reset()
    expect(await f.service.authenticate(input)).toBe(false)
    // Any statement at all (a batched last_used_at write of an earlier test aside) would be a
    // database round trip for malformed input.
    expect(queries.statements.filter((s) => !/last_used_at/.test(s))).toHaveLength(0)
    expect(f.service.authenticationStats().scrypt.verifications).toBe(scryptBefore)
  })

  it("returns false for an unknown well-formed token with at most one query and no scrypt", async () => {
    const scryptBefore = f.service.authenticationStats().scrypt.verifications
    queries.reset()
    expect(await f.service.authenticate(`sk_${randomBytes(32).toString("hex")}`)).toBe(false)
    // Only reads count: a batched last_used_at write of an earlier test may land in this window.
    expect(queries.statements.filter((s) => /select/i.test(s)).length).toBeLessThanOrEqual(1)
    expect(f.service.authenticationStats().scrypt.verifications).toBe(scryptBefore)
  })

  it("spends no scrypt on a forged token that shares a real key's redacted form", async () => {
    const key = await f.service.create({ title: "target", type: "secret", created_by: "u" })
    const forged = key.token.slice(0, 6) + randomBytes(32).toString("hex").slice(0, 58) + key.token.slice(-3)
    expect(forged).toHaveLength(67)
    expect(forged).not.toBe(key.token)
    const scryptBefore = f.service.authenticationStats().scrypt.verifications
    expect(await f.service.authenticate(forged)).toBe(false)
    expect(f.service.authenticationStats().scrypt.verifications).toBe(scryptBefore)
  })

  it("reports a database failure as db error without the query's values", async () => {
    const broken = await setupApiKeyModule()
    try {
      await broken.query("alter table api_key rename to api_key_elsewhere")
      const token = `sk_${randomBytes(32).toString("hex")}`
      const error = await broken.service.authenticate(token).catch((e) => e)
      expect(error).toBeInstanceOf(MedusaError)
      expect(error.type).toBe(MedusaError.Types.DB_ERROR)
      expect(error.message).not.toContain(createHash("sha256").update(token).digest("hex"))
      expect(error.message).not.toContain(token.slice(0, 6))
    } finally {
      await broken.query("alter table api_key_elsewhere rename to api_key")
      await broken.close()
    }
  })

  it("returns false, not an error, when a stored hash is corrupt", async () => {
    const key = await f.service.create({ title: "corrupt", type: "secret", created_by: "u" })
    await f.query("update api_key set token = 'not-a-hash' where id = $1", [key.id])
    expect(await f.service.authenticate(key.token)).toBe(false)
  })

  describe("keys created by Medusa's own module", () => {
    it("authenticates them and gives them a lookup digest on first use, leaving Medusa's hash as it was", async () => {
      const token = await insertMedusaLegacyKey(f, "apk_legacy_1")
      const [before] = await f.query("select token, salt from api_key where id = 'apk_legacy_1'")
      const authenticated = await f.service.authenticate(token)
      expect(authenticated).toEqual(expect.objectContaining({ id: "apk_legacy_1", token: "" }))
      const [row] = await f.query("select token, salt, token_lookup from api_key where id = 'apk_legacy_1'")
      expect(row.token_lookup).toBe(createHash("sha256").update(token).digest("hex"))
      // Medusa's own module can still verify it: switching back needs nothing.
      expect({ token: row.token, salt: row.salt }).toEqual(before)
      // The key keeps working through the indexed path, and only with the right token.
      expect(await f.service.authenticate(token)).toEqual(expect.objectContaining({ id: "apk_legacy_1" }))
      expect(await f.service.authenticate(token.slice(0, -1) + (token.endsWith("0") ? "1" : "0"))).toBe(false)
    })

    it("does not authenticate a wrong token with a legacy key's redacted form", async () => {
      const token = await insertMedusaLegacyKey(f, "apk_legacy_2")
      const forged = token.slice(0, 6) + "0".repeat(58) + token.slice(-3)
      expect(await f.service.authenticate(forged)).toBe(false)
      const [row] = await f.query("select token_lookup from api_key where id = 'apk_legacy_2'")
      expect(row.token_lookup).toBeNull()
    })

    it("does not authenticate a revoked legacy key", async () => {
      const token = await insertMedusaLegacyKey(f, "apk_legacy_3")
      await f.service.revoke("apk_legacy_3")
      expect(await f.service.authenticate(token)).toBe(false)
    })
  })
})

describe("authenticate with thousands of keys present", () => {
  let f: ModuleFixture
  const queries = queryCounter()
  const KEYS = 5000

  beforeAll(async () => {
    f = await setupApiKeyModule({ database: { logger: queries.logger } })
    // Bulk rows with well-formed but unrelated hashes: only the measured key needs a real one.
    const real = await f.service.create({ title: "one real key", type: "secret", created_by: "u" })
    await f.query(
      `insert into api_key (id, token, salt, redacted, title, type, created_by, token_lookup)
       select 'apk_bulk_' || i, encode(sha512(i::text::bytea), 'base64'), md5(i::text), 'sk_abc***' || lpad((i % 1000)::text, 3, '0'),
              'bulk ' || i, 'secret', 'bulk', encode(sha256(('t' || i)::bytea), 'hex')
       from generate_series(1, $1) as i`,
      [KEYS]
    )
    ;(f as any).realToken = real.token
  })
  afterAll(async () => {
    await f.close()
  })

  it("verifies with exactly one scrypt call and one query", async () => {
    const [{ count }] = await f.query("select count(*)::int as count from api_key where type = 'secret'")
    expect(count).toBe(KEYS + 1)
    const scryptBefore = f.service.authenticationStats().scrypt.verifications
    queries.reset()
    const authenticated = await f.service.authenticate((f as any).realToken)
    expect(authenticated).toEqual(expect.objectContaining({ title: "one real key" }))
    expect(f.service.authenticationStats().scrypt.verifications - scryptBefore).toBe(1)
    expect(queries.statements.filter((s) => /select/i.test(s))).toHaveLength(1)
  })

  it("looks the token up through an index, not a scan of every key", async () => {
    await f.query("analyze api_key")
    // EXPLAIN the statement the module itself sent for an unknown token.
    queries.reset()
    await f.service.authenticate(`sk_${randomBytes(32).toString("hex")}`)
    const [logged] = queries.statements.filter((s) => /select/i.test(s))
    const sql = logged
      .replace(/\u001b\[[0-9;]*m/g, "")
      .replace(/^.*?\[query\]\s*/, "")
      .replace(/\s*\[took .*$/, "")
    // The module logs placeholders, never values; bind values of the same shape.
    expect(sql).toMatch(/"token_lookup" = \$1 .*"redacted" = \$2\).*"type" = \$3 .*"revoked_at" > \$4\).*"expires_at" > \$5\) limit \$6$/)
    const plan = await f.query(`explain ${sql}`, ["0".repeat(64), "sk_abc***001", "secret", new Date(), new Date(), 2])
    const text = plan.map((row: any) => row["QUERY PLAN"]).join("\n")
    expect(text).toMatch(/Index/)
    expect(text).not.toMatch(/Seq Scan/)
  })
})
