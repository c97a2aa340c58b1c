import type { MikroORM } from "@mikro-orm/postgresql"
import type { MedusaApp } from "../src"

/**
 * The SELECT that `GET /admin/api-keys/:id` sends to read the key, taken from the api key
 * module's own connection while the route answers once — so `raw_pg` replays exactly what the
 * route asks PostgreSQL, even when the route's internals change. MikroORM inlines the values,
 * so the statement can be sent as it is.
 *
 * The module's ORM is the "orm" registration of its container (what the app loader's health
 * check reads too); knex's "query" event is its documented hook for every statement sent.
 */
export async function captureApiKeySelect(app: MedusaApp, request: () => Promise<Response>, keyId: string): Promise<string> {
  const knex = app.modules.apiKey.container.resolve<MikroORM>("orm").em.getConnection().getKnex()
  const statements: string[] = []
  const record = (query: { sql: string }) => void statements.push(query.sql)
  knex.on("query", record)
  try {
    const response = await request()
    if (!response.ok) throw new Error(`the admin route answered ${response.status}: ${await response.text()}`)
  } finally {
    knex.off("query", record)
  }
  const select = statements.find((sql) => /^select .* from "api_key"/i.test(sql) && sql.includes(keyId))
  if (!select) throw new Error(`no SELECT of api key ${keyId} among the route's statements: ${JSON.stringify(statements)}`)
  return select
}
