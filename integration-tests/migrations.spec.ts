import { randomBytes, scrypt } from "node:crypto"
import { promisify } from "node:util"
import { initialize, revertMigration, runMigrations } from "../src"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>

async function columns(url: string): Promise<string[]> {
  const rows = await queryDatabase(url, "select column_name from information_schema.columns where table_name = 'api_key' order by column_name")
  return rows.map((r) => r.column_name)
}

async function indexes(url: string): Promise<string[]> {
  const rows = await queryDatabase(url, "select indexname from pg_indexes where tablename = 'api_key' order by indexname")
  return rows.map((r) => r.indexname)
}

describe("migrations", () => {
  let db: TestDatabase
  const options = () => ({ database: { clientUrl: db.url } })

  beforeEach(async () => {
    db = await createTestDatabase("migrations")
  })
  afterEach(async () => {
    await db.drop()
  })

  it("create the api_key table with Medusa's columns, the lookup column and the indexes", async () => {
    const applied = await runMigrations({ options: options() })
    expect(applied).toEqual([
      "Migration20240604100512_create_api_key",
      "Migration20261126000000_api_key_token_lookup",
      "Migration20261127000000_api_key_history",
      "Migration20261128000000_api_key_least_privilege",
    ])
    expect(await columns(db.url)).toEqual(
      [
        "created_at", "created_by", "deleted_at", "id", "last_used_at", "redacted", "revoked_at", "revoked_by",
        "salt", "title", "token", "token_lookup", "type", "updated_at",
        "expires_at", "scopes", "allowed_origins", "rate_limit", "metadata",
      ].sort()
    )
    expect(await indexes(db.url)).toEqual(
      expect.arrayContaining(["api_key_pkey", "IDX_api_key_token_unique", "IDX_api_key_type", "IDX_api_key_token_lookup_unique", "IDX_api_key_legacy_redacted"])
    )
    await expect(
      queryDatabase(db.url, "insert into api_key (id, token, salt, redacted, title, type, created_by) values ('apk_1', 't', '', 'r', 't', 'admin', 'u')")
    ).rejects.toThrow(/check constraint/)
  })

  it("run nothing the second time", async () => {
    await runMigrations({ options: options() })
    expect(await runMigrations({ options: options() })).toEqual([])
  })

  it("go down one step at a time and up again", async () => {
    await runMigrations({ options: options() })
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261128000000_api_key_least_privilege"])
    expect(await columns(db.url)).not.toContain("expires_at")
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261127000000_api_key_history"])
    expect(await revertMigration({ options: options() })).toEqual(["Migration20261126000000_api_key_token_lookup"])
    expect(await columns(db.url)).not.toContain("token_lookup")
    expect(await indexes(db.url)).not.toContain("IDX_api_key_token_lookup_unique")
    expect(await revertMigration({ options: options() })).toEqual(["Migration20240604100512_create_api_key"])
    expect(await columns(db.url)).toEqual([])
    expect(await runMigrations({ options: options() })).toHaveLength(4)
    const service = await initialize({ ...options(), scrypt: { logN: 10 } })
    try {
      const key = await service.create({ title: "after up/down/up", type: "secret", created_by: "u" })
      expect(await service.authenticate(key.token)).toEqual(expect.objectContaining({ id: key.id }))
    } finally {
      await service.onApplicationShutdown()
    }
  })

  it("apply on top of a table Medusa created, keeping its keys usable", async () => {
    // The table as Medusa's API Key Module leaves it, with one key of each type.
    await queryDatabase(
      db.url,
      `create table "api_key" ("id" text not null, "token" text not null, "salt" text not null, "redacted" text not null,
        "title" text not null, "type" text check ("type" in ('publishable', 'secret')) not null, "last_used_at" timestamptz null,
        "created_by" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
        "revoked_by" text null, "revoked_at" timestamptz null, "deleted_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));
       create unique index "IDX_api_key_token_unique" on "api_key" (token);`
    )
    const secret = `sk_${randomBytes(32).toString("hex")}`
    const salt = randomBytes(16).toString("hex")
    const hash = (await scryptAsync(secret, salt, 64)).toString("hex")
    const publishable = `pk_${randomBytes(32).toString("hex")}`
    await queryDatabase(
      db.url,
      `insert into api_key (id, token, salt, redacted, title, type, created_by) values
        ('apk_medusa_secret', $1, $2, $3, 'Medusa admin', 'secret', 'user_1'),
        ('apk_medusa_pub', $4, '', $5, 'Medusa store', 'publishable', 'user_1')`,
      [hash, salt, `${secret.slice(0, 6)}***${secret.slice(-3)}`, publishable, `${publishable.slice(0, 6)}***${publishable.slice(-3)}`]
    )

    expect(await runMigrations({ options: options() })).toHaveLength(4)
    expect(await columns(db.url)).toContain("token_lookup")

    const service = await initialize({ ...options(), scrypt: { logN: 10 } })
    try {
      expect((await service.list({}, { order: { title: "ASC" } })).map((k) => [k.id, k.token])).toEqual([
        ["apk_medusa_secret", ""],
        ["apk_medusa_pub", publishable],
      ])
      expect(await service.authenticate(secret)).toEqual(expect.objectContaining({ id: "apk_medusa_secret" }))
    } finally {
      await service.onApplicationShutdown()
    }
  })

  it("explain an unreachable database", async () => {
    await expect(runMigrations({ options: { database: { clientUrl: "postgres://postgres:secret@127.0.0.1:1/nowhere" } } })).rejects.toThrow(
      /Could not connect to the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/
    )
  })
})
