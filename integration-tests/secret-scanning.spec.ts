import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto"
import { writeFileSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { moduleQueryCount, Modules, type IEventBusModuleService } from "../src"
import { generateToken } from "../src/modules/api-key/authentication/token"
import { ApiKeyType } from "../src/modules/api-key/models/api-key"
import { normalizeApiKeyModuleOptions } from "../src/modules/api-key/loaders/options"
import { setupCliApp, type CliApp } from "./setup/cli-app"
import { queryDatabase } from "./setup/database"
import { eventually, recordEvents, type EventRecorder } from "./setup/events"
import { forkFixture, type FixtureProcess } from "./setup/fixture-process"
import { setupHttpApp, type HttpFixture } from "./setup/http"
import { FAST_SCRYPT } from "./setup/module"

/**
 * The leak response: GitHub's secret scanning partner programme posts `[{ token, type, url,
 * source }]` signed with ECDSA P-256 (a key pair made here stands in for GitHub's); a verified
 * report revokes the active secret keys it names at once — seen by a second OS process within the
 * change feed's window — labels publishable and unknown tokens without revealing anything, and an
 * unsigned or forged report gets 401 and changes nothing. `keys:revoke-leaked` does the same from
 * a file.
 */

const KEY_ID = "test-secret-scanning-key"
const HOOK = "/hooks/secret-scanning"
const TYPE = "medusa_api_key"
const URL = "https://github.com/octocat/Hello-World/blob/1234567/config.js"
const PROPAGATION_MS = 1_000

function p256Pair() {
  return generateKeyPairSync("ec", { namedCurve: "P-256" })
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

describe("POST /hooks/secret-scanning", () => {
  const github = p256Pair()
  let fx: HttpFixture
  let events: EventRecorder
  let other: FixtureProcess | undefined

  const moduleOptions = () => ({
    tokenFormat: "checksummed",
    secretScanning: { publicKeys: [{ key_identifier: KEY_ID, key: github.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] },
  })

  beforeAll(async () => {
    fx = await setupHttpApp({ apiKey: moduleOptions() })
    events = recordEvents(fx.medusa.container.resolve<IEventBusModuleService>(Modules.EVENT_BUS), "secret-scanning-test")
  })
  afterAll(async () => {
    await other?.close()
    await fx?.close()
  })

  function signed(body: string, key: KeyObject = github.privateKey) {
    return sign("sha256", Buffer.from(body), { key, dsaEncoding: "der" }).toString("base64")
  }

  function report(body: string, headers: Record<string, string> = { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": signed(body) }) {
    return request(fx.app).post(HOOK).set("Content-Type", "application/json").set(headers).send(body)
  }

  const reportBody = (...tokens: string[]) => JSON.stringify(tokens.map((token) => ({ token, type: TYPE, url: URL, source: "content" })))

  const secretKey = (title: string) => fx.apiKeys.createApiKeys({ title, type: "secret", created_by: "test" })

  it("revokes a reported secret key at once, records why, emits the update, and a second process sees it", async () => {
    const key = await secretKey("leaked")
    other = await forkFixture("authenticate-process.js", {
      API_KEY_MODULE_OPTIONS: JSON.stringify({ database: { clientUrl: fx.database.url }, scrypt: FAST_SCRYPT, ...moduleOptions() }),
    })
    expect(await other.call("whenCaching")).toBe(true)
    // Warm in the other process: from here on it answers from memory.
    expect(await other.call("authenticate", key.token)).toMatchObject({ id: key.id })
    events.clear()

    const body = reportBody(key.token)
    const res = await report(body)
    expect(res.status).toBe(200)
    // GitHub's feedback format, the token hashed: a secret token never leaves the server after its create.
    expect(res.body).toEqual([{ token_hash: sha256(key.token), token_type: TYPE, label: "true_positive" }])
    expect(JSON.stringify(res.body)).not.toContain(key.token)

    const revoked = await fx.apiKeys.retrieveApiKey(key.id)
    expect(revoked.revoked_by).toBe("secret-scanning")
    expect(new Date(revoked.revoked_at!).getTime()).toBeLessThanOrEqual(Date.now())
    expect(await fx.apiKeys.authenticate(key.token)).toBe(false)
    const [entry] = await fx.apiKeys.listApiKeyHistory({ api_key_id: key.id, action: "revoked" })
    expect(entry).toMatchObject({ actor: "secret-scanning", data: { reason: "leaked", leak: { type: TYPE, url: URL, source: "content" } } })
    expect(await events.waitFor(1)).toBe(true)
    expect(events.events).toEqual([expect.objectContaining({ name: "api_key.api-key.updated", data: { id: key.id } })])

    const seenThere = await eventually(async () => (await other!.call("authenticate", key.token)) === false, PROPAGATION_MS + 500)
    expect(seenThere).toBe(true)
  })

  it("brings a scheduled revocation forward to now", async () => {
    const key = await secretKey("rolled, still in its overlap window")
    await fx.apiKeys.revoke(key.id, { revoked_by: "admin", revoke_in: 3600 })
    expect((await report(reportBody(key.token))).status).toBe(200)
    const after = await fx.apiKeys.retrieveApiKey(key.id)
    expect([after.revoked_by, new Date(after.revoked_at!).getTime() <= Date.now()]).toEqual(["secret-scanning", true])
  })

  it("answers 401 to an unsigned, forged or wrongly keyed report, and changes nothing", async () => {
    const key = await secretKey("targeted")
    const body = reportBody(key.token)
    const forger = p256Pair()
    const attempts: Record<string, string>[] = [
      {},
      { "Github-Public-Key-Identifier": KEY_ID },
      { "Github-Public-Key-Signature": signed(body) },
      { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": signed(body, forger.privateKey) },
      { "Github-Public-Key-Identifier": "another-key", "Github-Public-Key-Signature": signed(body) },
      { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": signed(`${body} `) },
      { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": "not base64 at all!" },
      { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": Buffer.from("garbage").toString("base64") },
    ]
    await fx.apiKeys.flushLastUsed()
    const queriesBefore = moduleQueryCount()
    const bodies = new Set<string>()
    for (const headers of attempts) {
      const res = await report(body, headers)
      expect(res.status).toBe(401)
      expect(res.body.type).toBe("unauthorized")
      bodies.add(JSON.stringify(res.body))
    }
    // A report signed over other bytes than those sent (a re-serialised body) is forged too.
    const reformatted = await report(JSON.stringify(JSON.parse(body), null, 2), { "Github-Public-Key-Identifier": KEY_ID, "Github-Public-Key-Signature": signed(body) })
    expect(reformatted.status).toBe(401)
    bodies.add(JSON.stringify(reformatted.body))
    // The same answer whatever was wrong, and not one query: nothing is learnt, nothing is touched.
    expect(bodies.size).toBe(1)
    expect(moduleQueryCount() - queriesBefore).toBe(0)
    expect((await fx.apiKeys.retrieveApiKey(key.id)).revoked_at).toBeNull()
    expect(await fx.apiKeys.authenticate(key.token)).toMatchObject({ id: key.id })
    expect(await fx.apiKeys.listApiKeyHistory({ api_key_id: key.id, action: ["revoked", "revocation_scheduled"] })).toEqual([])
  })

  it("refuses an unsigned report before reading its body, and a signed one over 1 MB with 413", async () => {
    const huge = JSON.stringify([{ token: "x".repeat(1_100_000), type: TYPE }])
    const unsigned = await request(fx.app).post(HOOK).set("Content-Type", "application/json").send(huge)
    expect([unsigned.status, unsigned.body.type]).toEqual([401, "unauthorized"])
    const tooLarge = await report(huge)
    expect(tooLarge.status).toBe(413)
  })

  it("labels a publishable token without revoking it", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "storefront", type: "publishable", created_by: "test" })
    const res = await report(reportBody(key.token))
    expect(res.status).toBe(200)
    expect(res.body).toEqual([{ token_hash: sha256(key.token), token_type: TYPE, label: "true_positive" }])
    expect((await fx.apiKeys.retrieveApiKey(key.id)).revoked_at).toBeNull()
  })

  it("answers an unknown token like a known one, and a malformed one from its shape, changing nothing", async () => {
    const known = await secretKey("known")
    const unknown = generateToken(ApiKeyType.SECRET, "checksummed")
    const revokedBefore = generateToken(ApiKeyType.SECRET)
    const typo = `${known.token.slice(0, -1)}${known.token.endsWith("A") ? "B" : "A"}`
    const historyBefore = (await queryDatabase<{ n: number }>(fx.database.url, "select count(*)::int as n from api_key_history"))[0].n

    const res = await report(reportBody(unknown, revokedBefore, typo, "not a token"))
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      { token_hash: sha256(unknown), token_type: TYPE, label: "true_positive" },
      { token_hash: sha256(revokedBefore), token_type: TYPE, label: "true_positive" },
      { token_hash: sha256(typo), token_type: TYPE, label: "false_positive" },
      { token_hash: sha256("not a token"), token_type: TYPE, label: "false_positive" },
    ])
    // The label is decided from the token alone: a real key's answer reads exactly as an unknown token's.
    const knownAnswer = (await report(reportBody(known.token))).body[0]
    expect(Object.keys(knownAnswer)).toEqual(Object.keys(res.body[0]))
    expect(knownAnswer.label).toBe(res.body[0].label)
    // Only the known key changed.
    const historyAfter = (await queryDatabase<{ n: number }>(fx.database.url, "select count(*)::int as n from api_key_history"))[0].n
    expect(historyAfter - historyBefore).toBe(1)
  })

  it("answers a signed report that is not a list of tokens with 400, naming no token", async () => {
    for (const body of ["{not json", JSON.stringify({ token: "sk_x" }), JSON.stringify([{ type: TYPE }])]) {
      const res = await report(body)
      expect(res.status).toBe(400)
      expect(res.body.type).toBe("invalid_data")
    }
  })

  it("refuses a secretScanning option whose key is not an ECDSA P-256 public key", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" })
    expect(() => normalizeApiKeyModuleOptions({ secretScanning: { publicKeys: [{ key_identifier: "k", key: rsa }] } })).toThrow(
      "secretScanning.publicKeys[0].key must be an ECDSA P-256 public key"
    )
    expect(() => normalizeApiKeyModuleOptions({ secretScanning: { publicKeys: [{ key_identifier: "k", key: "nope" }] } })).toThrow(
      "secretScanning.publicKeys[0].key is not a PEM public key"
    )
    expect(() => normalizeApiKeyModuleOptions({ secretScanning: {} })).toThrow("secretScanning must be an object like { publicKeys")
  })
})

describe("keys:revoke-leaked FILE", () => {
  let cli: CliApp

  beforeAll(async () => {
    cli = await setupCliApp("revoke_leaked")
    expect((await cli.cli("db:migrate")).code).toBe(0)
  })
  afterAll(async () => {
    await cli?.close()
  })

  async function createKey(type: "secret" | "publishable", title: string) {
    const created = await cli.cli("keys:create", "--type", type, "--title", title)
    expect(created.code).toBe(0)
    return created.stdout
  }

  async function keyOf(title: string) {
    const listed = await cli.cli("keys:list", "--json")
    return JSON.parse(listed.stdout).find((key: { title: string }) => key.title === title)
  }

  it("revokes the secret keys of a file of tokens, one per line, printing counts and ids but no token", async () => {
    const secret = await createKey("secret", "ci")
    const publishable = await createKey("publishable", "shop")
    const unknown = generateToken(ApiKeyType.SECRET)
    const file = path.join(cli.directory, "leaks.txt")
    writeFileSync(file, `# found by our scanner\n${secret}\n\n${publishable}\n${unknown}\nsk_oops\n`)

    const run = await cli.cli("keys:revoke-leaked", "leaks.txt")
    expect(run.code).toBe(0)
    const ci = await keyOf("ci")
    const shop = await keyOf("shop")
    expect(run.stdout.split("\n")).toEqual([
      `revoked secret keys: 1 (${ci.id})`,
      `publishable keys, not revoked (public by design): 1 (${shop.id})`,
      "tokens of no active key: 1",
      "malformed tokens: 1",
    ])
    for (const token of [secret, publishable, unknown, "sk_oops"]) expect(`${run.stdout}\n${run.stderr}`).not.toContain(token)
    expect([ci.revoked_by, shop.revoked_at]).toEqual(["secret-scanning", null])

    // Reported again: nothing left to revoke, and no error.
    const again = await cli.cli("keys:revoke-leaked", file)
    expect([again.code, again.stdout.split("\n")[0]]).toEqual([0, "revoked secret keys: 0"])
  })

  it("reads GitHub's JSON array too, and never quotes a file it cannot parse", async () => {
    const secret = await createKey("secret", "deploy")
    writeFileSync(path.join(cli.directory, "report.json"), JSON.stringify([{ token: secret, type: TYPE, url: URL, source: "commit" }]))
    const run = await cli.cli("keys:revoke-leaked", "report.json")
    expect(run.code).toBe(0)
    const deploy = await keyOf("deploy")
    expect(run.stdout.split("\n")[0]).toBe(`revoked secret keys: 1 (${deploy.id})`)
    const history = JSON.parse((await cli.cli("keys:history", deploy.id, "--json")).stdout)
    expect(history[0]).toMatchObject({ action: "revoked", actor: "secret-scanning", data: { reason: "leaked", leak: { url: URL, source: "commit" } } })

    const other = await createKey("secret", "other")
    writeFileSync(path.join(cli.directory, "broken.json"), `[{"token": "${other}", `)
    const broken = await cli.cli("keys:revoke-leaked", "broken.json")
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain('broken.json starts with "[" but is not valid JSON')
    expect(broken.stderr).not.toContain(other)
    expect((await cli.cli("keys:revoke-leaked")).code).toBe(2)
  })
})
