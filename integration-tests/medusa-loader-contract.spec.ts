import { asValue, createContainer, InjectionMode } from "awilix"
import apiKeyModule from "../src"
import { createTestDatabase, queryDatabase, type TestDatabase } from "./setup/database"

/**
 * The package as Medusa's own loader uses it (@medusajs/modules-sdk 2.21), without Medusa
 * installed: `migrateUp` / `migrateDown` call the default export's `runMigrations` /
 * `revertMigration` with `{ options, container, logger }`; boot runs `loaders` in order with
 * `({ container, logger, options, dataLoaderOnly }, declaration)` in the module's own container, then
 * `new service(container.cradle, options, declaration)`; Query reads `__joinerConfig()`; shutdown
 * calls `__hooks.onApplicationShutdown()`. `options.database` is what Medusa puts there: its shared
 * settings, with `driverOptions` and an empty `connection`, and the shared-connection symbol.
 */
describe("under Medusa's module loader contract", () => {
  let db: TestDatabase
  const logged: string[] = []
  const logger = { info: (m: string) => logged.push(m), warn: () => undefined, error: () => undefined }
  const options = () => ({
    database: { clientUrl: db.url, schema: "public", driverOptions: { connection: { ssl: false } }, pool: undefined, debug: false, connection: undefined },
    [Symbol.for("isSharedConnection")]: true,
  })

  beforeEach(async () => {
    db = await createTestDatabase("medusa_contract")
  })
  afterEach(async () => {
    await db.drop()
  })

  it("migrates up and down through the default export", async () => {
    const applied = await apiKeyModule.runMigrations({ options: options(), logger })
    expect(applied).toEqual([
      { name: "Migration20240604100512_create_api_key" },
      { name: "Migration20261126000000_api_key_token_lookup" },
      { name: "Migration20261127000000_api_key_history" },
      { name: "Migration20261128000000_api_key_least_privilege" },
    ])
    expect(await apiKeyModule.runMigrations({ options: options(), logger })).toEqual([])
    expect(logged.join("\n")).toContain("Migration20240604100512_create_api_key")
    await apiKeyModule.revertMigration({ options: options(), logger, migrationNames: applied.map((m) => m.name) })
    expect(await queryDatabase(db.url, "select to_regclass('public.api_key') as t")).toEqual([{ t: null }])
  })

  it("boots from its loaders, serves the service's methods and shuts down through __hooks", async () => {
    await apiKeyModule.runMigrations({ options: options() })
    const container = createContainer({ injectionMode: InjectionMode.PROXY })
    container.register({ logger: asValue(logger), event_bus: asValue(undefined) })
    const declaration = { scope: "internal", resolve: "@medusajs/api-key", options: options() }
    for (const loader of apiKeyModule.loaders) {
      await (loader as (args: object, declaration: object) => unknown)({ container, logger, options: options(), dataLoaderOnly: false }, declaration)
    }
    const Service = apiKeyModule.service as unknown as new (cradle: object, options: object, declaration: object) => any
    const service = new Service(container.cradle, options(), declaration)
    try {
      const joinerConfig = service.__joinerConfig()
      expect(joinerConfig).toEqual(
        expect.objectContaining({
          serviceName: "api_key",
          primaryKeys: ["id"],
          linkableKeys: { api_key_id: "ApiKey", publishable_key_id: "ApiKey" },
          alias: [{ name: ["api_key", "api_keys"], entity: "ApiKey", args: { methodSuffix: "ApiKeys" } }],
        })
      )
      expect(joinerConfig.schema).toContain("type ApiKey {")
      expect(joinerConfig.schema).not.toMatch(/salt|token_lookup/)

      const [publishable, secret] = await service.createApiKeys([
        { title: "pk", type: "publishable", created_by: "medusa" },
        { title: "sk", type: "secret", created_by: "medusa" },
      ])
      expect(await service.listApiKeys({}, { order: { title: "ASC" } })).toEqual([
        expect.objectContaining({ id: publishable.id, token: publishable.token }),
        expect.objectContaining({ id: secret.id, token: "" }),
      ])
      expect(await service.authenticate(secret.token)).toEqual(expect.objectContaining({ id: secret.id }))
      await service.revoke([publishable.id, secret.id], { revoked_by: "medusa" })
      expect(await service.authenticate(secret.token)).toBe(false)
      await service.deleteApiKeys([publishable.id, secret.id])
      expect(await service.listApiKeys()).toEqual([])
    } finally {
      await service.__hooks.onApplicationShutdown()
    }
    const left = await queryDatabase(db.url, "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [db.name])
    expect(left).toEqual([{ n: 0 }])
  })
})
