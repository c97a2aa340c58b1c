import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import {
  ApiKey,
  loadMedusaApp,
  Modules,
  runAppMigrations,
  revertAppMigrations,
  type ApiKeyModuleService,
  type Link,
  type MedusaApp,
  type MedusaConfig,
  type Query,
  type SalesChannelModuleService,
} from "../src"
import apiKeyModule from "../src"
import { salesChannelModule } from "../src"
import { runMigrations as runSalesChannelMigrations } from "../src/modules/sales-channel"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"
import { expectMedusaError } from "./setup/expect"
import { FAST_SCRYPT } from "./setup/module"

/** The publishable key ↔ sales channel link, declared in src/links and used through `link` and `query`. */

const config = (databaseUrl: string, withSalesChannels = true): MedusaConfig => ({
  projectConfig: { databaseUrl },
  modules: {
    apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT } },
    ...(withSalesChannels ? { salesChannel: { resolve: "@medusajs/sales-channel" } } : {}),
  },
})

const pair = (apiKeyId: string, salesChannelId: string) => ({
  [Modules.API_KEY]: { publishable_key_id: apiKeyId },
  [Modules.SALES_CHANNEL]: { sales_channel_id: salesChannelId },
})

describe("module linkables", () => {
  it("name what links can store, as Medusa's Module() exposes them", () => {
    // Medusa's documented shape: the current-era module name, the entity's field, the stored key.
    expect(apiKeyModule.linkable.apiKey.id).toEqual({ serviceName: "api_key", field: "apiKey", linkable: "api_key_id", primaryKey: "id", entity: "ApiKey" })
    expect(apiKeyModule.linkable.apiKey.publishable_key_id).toEqual({
      serviceName: "api_key",
      field: "apiKey",
      linkable: "publishable_key_id",
      primaryKey: "id",
      entity: "ApiKey",
    })
    expect(salesChannelModule.linkable.salesChannel).toEqual(expect.objectContaining({ serviceName: "sales_channel", linkable: "sales_channel_id", primaryKey: "id" }))
  })
})

describe("link and query in a Medusa app", () => {
  let database: TestDatabase
  let directory: string
  let app: MedusaApp
  let link: Link
  let query: Query
  let apiKeys: ApiKeyModuleService
  let channels: SalesChannelModuleService
  let publishable: string
  let web: string, mobile: string, b2b: string
  const sql = (text: string, params?: unknown[]) => queryDatabase(database.url, text, params)
  const linkRows = () => sql("select publishable_key_id, sales_channel_id from publishable_api_key_sales_channel order by sales_channel_id")
  const sorted = <T>(items: T[]) => [...items].sort()
  const channelIdsOf = async (keyId: string) => {
    const { data } = await query.graph({ entity: "api_key", fields: ["id", "sales_channels.id"], filters: { id: keyId } })
    return sorted((data[0].sales_channels as { id: string }[]).map((c) => c.id))
  }

  beforeAll(async () => {
    database = await createTestDatabase("links")
    directory = mkdtempSync(path.join(tmpdir(), "links-app-"))
    await runAppMigrations(config(database.url), directory, database.url)
    app = await loadMedusaApp({ directory, config: config(database.url) })
    link = app.container.resolve("link")
    query = app.container.resolve("query")
    apiKeys = app.container.resolve(Modules.API_KEY)
    channels = app.container.resolve(Modules.SALES_CHANNEL)
  })
  afterAll(async () => {
    await app.shutdown()
    await database.drop()
    rmSync(directory, { recursive: true, force: true })
  })
  beforeEach(async () => {
    await sql("delete from publishable_api_key_sales_channel")
    await sql("delete from sales_channel")
    await sql("delete from api_key")
    publishable = (await apiKeys.createApiKeys({ title: "Storefront", type: "publishable", created_by: "user_1" })).id
    ;[web, mobile, b2b] = sorted((await channels.createSalesChannels([{ name: "Web" }, { name: "Mobile" }, { name: "B2B" }])).map((c) => c.id))
  })

  it("creates links named by module and key, skips pairs already linked, and reports only what it created", async () => {
    expect(await link.create([pair(publishable, mobile), pair(publishable, web)])).toEqual([pair(publishable, mobile), pair(publishable, web)])
    expect(await link.create([pair(publishable, web), pair(publishable, b2b)])).toEqual([pair(publishable, b2b)])
    expect(await linkRows()).toHaveLength(3)
  })

  it("keeps one link when the same pair is created concurrently", async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => link.create(pair(publishable, web))))
    expect(results.flat()).toEqual([pair(publishable, web)])
    expect(await linkRows()).toHaveLength(1)
  })

  it("dismisses exactly the given links and reports those that existed", async () => {
    await link.create([pair(publishable, web), pair(publishable, mobile)])
    expect(await link.dismiss([pair(publishable, mobile), pair(publishable, b2b)])).toEqual([pair(publishable, mobile)])
    expect(await link.dismiss(pair(publishable, mobile))).toEqual([])
    expect(await linkRows()).toEqual([{ publishable_key_id: publishable, sales_channel_id: web }])
  })

  it("deletes every link of some keys and can put them back with create", async () => {
    const other = (await apiKeys.createApiKeys({ title: "Other", type: "publishable", created_by: "user_1" })).id
    await link.create([pair(publishable, web), pair(publishable, mobile), pair(other, b2b)])
    const removed = await link.delete({ [Modules.API_KEY]: { publishable_key_id: [publishable] } })
    expect(removed).toHaveLength(2)
    expect(await channelIdsOf(publishable)).toEqual([])
    expect(await channelIdsOf(other)).toEqual([b2b])
    expect(await link.create(removed)).toHaveLength(2)
    expect(await channelIdsOf(publishable)).toEqual(sorted([web, mobile]))
  })

  it("refuses links it cannot name, and never removes every link by mistake", async () => {
    await link.create(pair(publishable, web))
    await expectMedusaError(link.create({ [Modules.API_KEY]: { publishable_key_id: publishable } }), "invalid_data", /A link names two modules/)
    await expectMedusaError(
      link.create({ [Modules.API_KEY]: { api_key_id: publishable }, [Modules.SALES_CHANNEL]: { sales_channel_id: web } }),
      "invalid_data",
      "No link is defined between api_key.api_key_id and sales_channel.sales_channel_id"
    )
    expect(await link.delete({})).toEqual([])
    expect(await link.delete({ [Modules.API_KEY]: { publishable_key_id: [] } })).toEqual([])
    expect(await linkRows()).toHaveLength(1)
  })

  it("reads keys with their channels, and channels with their keys", async () => {
    const other = (await apiKeys.createApiKeys({ title: "Other", type: "publishable", created_by: "user_1" })).id
    await link.create([pair(publishable, web), pair(publishable, b2b), pair(other, web)])
    const { data: keys } = await query.graph({ entity: "api_key", fields: ["id", "title", "sales_channels.*"], filters: { type: "publishable" } })
    const byTitle = Object.fromEntries(keys.map((k) => [k.title, k]))
    expect(sorted(byTitle.Storefront.sales_channels.map((c: { id: string }) => c.id))).toEqual(sorted([web, b2b]))
    expect(byTitle.Storefront.sales_channels.find((c: { id: string }) => c.id === web)).toEqual(await channels.retrieveSalesChannel(web))
    expect(byTitle.Other.sales_channels.map((c: { id: string }) => c.id)).toEqual([web])

    const { data: channelRows } = await query.graph({ entity: "sales_channel", fields: ["id", "publishable_api_keys.id", "publishable_api_keys.title"], filters: { id: web } })
    expect(sorted(channelRows[0].publishable_api_keys.map((k: { title: string }) => k.title))).toEqual(["Other", "Storefront"])
    expect(Object.keys(channelRows[0].publishable_api_keys[0]).sort()).toEqual(["id", "title"])
  })

  it("pages through Query with a count, and gives a key without links an empty list", async () => {
    await apiKeys.createApiKeys({ title: "Second", type: "publishable", created_by: "user_1" })
    const { data, metadata } = await query.graph({
      entity: "api_key",
      fields: ["title", "sales_channels.*"],
      pagination: { skip: 0, take: 1, order: { title: "DESC" } },
    })
    expect(data).toEqual([{ id: expect.any(String), title: "Storefront", sales_channels: [] }])
    expect(metadata).toEqual({ count: 2, skip: 0, take: 1 })
  })

  it("hides links to soft-deleted or deleted channels", async () => {
    await link.create([pair(publishable, web), pair(publishable, mobile)])
    await channels.softDeleteSalesChannels(web)
    expect(await channelIdsOf(publishable)).toEqual([mobile])
    await channels.restoreSalesChannels(web)
    expect(await channelIdsOf(publishable)).toEqual(sorted([web, mobile]))
    await channels.deleteSalesChannels(mobile)
    expect(await channelIdsOf(publishable)).toEqual([web])
  })

  it("refuses unknown entities and relations with invalid_data", async () => {
    await expectMedusaError(query.graph({ entity: "order", fields: ["id"] }), "invalid_data", /^Unknown entity order/)
    await expectMedusaError(query.graph({ entity: "api_key", fields: ["id", "orders.*"] }), "invalid_data", "Unknown relation orders of api_key")
    await expectMedusaError(query.graph({ entity: "api_key", fields: ["salt"] }), "invalid_data", /^Cannot select salt/)
  })

  it("registers no link service without the sales channel module, and Query reads keys alone", async () => {
    const apiKeyOnly = await loadMedusaApp({ directory, config: config(database.url, false) })
    try {
      expect(apiKeyOnly.container.resolve("link")).toBeUndefined()
      const { data } = await apiKeyOnly.container.resolve<Query>("query").graph({ entity: ApiKey.tableName, fields: ["id", "title"] })
      expect(data.map((k) => k.title)).toEqual(["Storefront"])
    } finally {
      await apiKeyOnly.shutdown()
    }
  })
})

describe("link migrations", () => {
  let database: TestDatabase
  const linkMigration = "Migration20240110090332_create_publishable_api_key_sales_channel"
  const names = async (table: string) => (await queryDatabase(database.url, `select name from "${table}" order by id`)).map((r) => r.name)

  beforeEach(async () => {
    database = await createTestDatabase("link_mig")
  })
  afterEach(async () => {
    await database.drop()
  })

  it("create the link table once, recorded in link_migrations, and revert it", async () => {
    const directory = process.cwd()
    const reports = await runAppMigrations(config(database.url), directory, database.url)
    expect(reports.find((r) => r.module === "links")?.migrations).toEqual([linkMigration])
    expect(await names("link_migrations")).toEqual([linkMigration])
    const insert = (id: string) =>
      queryDatabase(database.url, "insert into publishable_api_key_sales_channel (id, publishable_key_id, sales_channel_id) values ($1, 'apk_1', 'sc_1')", [id])
    await insert("pksc_1")
    await expect(insert("pksc_2")).rejects.toThrow(/IDX_publishable_api_key_sales_channel_unique/)
    expect((await runAppMigrations(config(database.url), directory, database.url)).flatMap((r) => r.migrations)).toEqual([])

    const reverted = await revertAppMigrations(config(database.url), directory, database.url, 1)
    expect(reverted.find((r) => r.module === "links")?.migrations).toEqual([linkMigration])
    expect(await queryDatabase(database.url, "select to_regclass('publishable_api_key_sales_channel') as t")).toEqual([{ t: null }])
  })

  it("adopt a database where an earlier release recorded the link table under the sales channel module", async () => {
    // The earlier release: the sales channel module created the link table and recorded it in its own table.
    const options = { database: { clientUrl: database.url } }
    await runSalesChannelMigrations({ options })
    await queryDatabase(
      database.url,
      `create table publishable_api_key_sales_channel (id text primary key, publishable_key_id text not null, sales_channel_id text not null,
         created_at timestamptz not null default now(), updated_at timestamptz not null default now(), deleted_at timestamptz null)`
    )
    await queryDatabase(database.url, "insert into sales_channel_migrations (name) values ($1)", [linkMigration])
    await queryDatabase(database.url, "insert into publishable_api_key_sales_channel (id, publishable_key_id, sales_channel_id) values ('pksc_old', 'apk_1', 'sc_1')")

    const reports = await runAppMigrations(config(database.url), process.cwd(), database.url)
    expect(reports.find((r) => r.module === "links")?.migrations).toEqual([])
    expect(await names("link_migrations")).toEqual([linkMigration])
    expect(await names("sales_channel_migrations")).toEqual(["Migration20240110090331_create_sales_channel"])
    expect(await queryDatabase(database.url, "select id from publishable_api_key_sales_channel")).toEqual([{ id: "pksc_old" }])
  })
})

describe("an app's own module and link (src/links)", () => {
  let database: TestDatabase
  let directory: string
  let app: MedusaApp
  const SRC = path.resolve(__dirname, "../src")

  beforeAll(async () => {
    database = await createTestDatabase("app_link")
    directory = mkdtempSync(path.join(tmpdir(), "app-link-"))
    const files: Record<string, string> = {
      "src/modules/team/index.js": `const { model, MedusaService, Module } = require(${JSON.stringify(SRC)})
const Team = model.define("team", { id: model.id({ prefix: "team" }).primaryKey(), name: model.text().searchable() })
class TeamModuleService extends MedusaService({ Team }) {}
module.exports = Module("team", { service: TeamModuleService })
`,
      "src/links/api-key-team.js": `const { defineLink, default: apiKeyModule } = require(${JSON.stringify(SRC)})
const teamModule = require("../modules/team")
module.exports = defineLink(apiKeyModule.linkable.apiKey, teamModule.linkable.team)
`,
    }
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(directory, file)
      mkdirSync(path.dirname(full), { recursive: true })
      writeFileSync(full, content)
    }
    const appConfig: MedusaConfig = {
      projectConfig: { databaseUrl: database.url },
      modules: { apiKey: { resolve: "@medusajs/api-key", options: { scrypt: FAST_SCRYPT } }, team: { resolve: "./src/modules/team" } },
    }
    // The module ships no migrations; its table is made here. The link's table comes from db:migrate.
    await queryDatabase(database.url, `create table team (id text primary key, name text not null, created_at timestamptz not null default now(), updated_at timestamptz not null default now(), deleted_at timestamptz)`)
    await runAppMigrations(appConfig, directory, database.url)
    app = await loadMedusaApp({ directory, config: appConfig })
  })
  afterAll(async () => {
    await app.shutdown()
    await database.drop()
    rmSync(directory, { recursive: true, force: true })
  })

  it("generates the module's service from its model, creates the link's table, and follows the link both ways", async () => {
    const apiKeys = app.container.resolve<ApiKeyModuleService>(Modules.API_KEY)
    const teams = app.container.resolve<any>("team")
    const key = await apiKeys.createApiKeys({ title: "CI", type: "secret", created_by: "u" })
    const team = await teams.createTeams({ name: "Platform" })
    expect(team.id).toMatch(/^team_/)
    await app.container.resolve<Link>("link").create({ [Modules.API_KEY]: { api_key_id: key.id }, team: { team_id: team.id } })
    const query = app.container.resolve<Query>("query")
    const { data } = await query.graph({ entity: "api_key", fields: ["id", "team.name"], filters: { id: key.id } })
    expect(data).toEqual([{ id: key.id, team: { id: team.id, name: "Platform" } }])
    const { data: teamRows } = await query.graph({ entity: "team", fields: ["name", "api_key.title"] })
    expect(teamRows).toEqual([{ id: team.id, name: "Platform", api_key: { id: key.id, title: "CI" } }])
  })
})
