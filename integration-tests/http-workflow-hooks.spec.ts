import { rmSync } from "node:fs"
import path from "node:path"
import request from "supertest"
import { loadMedusaApp } from "../src/medusa-app"
import { writeAppFiles } from "./setup/app-folder"
import { queryDatabase } from "./setup/database"
import { setupHttpApp, testConfig, type HttpFixture } from "./setup/http"

const SRC = path.resolve(__dirname, "../src")
const ZOD = require.resolve("zod")
const quote = (p: string) => JSON.stringify(p)

/**
 * An app as a Medusa developer writes one: a hook handler in src/workflows/hooks that links a new
 * publishable key to the sales channel the admin named in `additional_data` (and refuses when
 * asked to), and src/api/middlewares.ts declaring what `additional_data` the create route takes.
 * The imports point at this package's source instead of "@medusajs/api-key".
 */
const APP_FILES: Record<string, string> = {
  "src/workflows/hooks/api-keys-created.ts": `
import { createApiKeysWorkflow, MedusaError, Modules, StepResponse } from ${quote(SRC)}
import type { Link } from ${quote(SRC)}

createApiKeysWorkflow.hooks.apiKeysCreated(
  async ({ apiKeys, additional_data }, { container }) => {
    if (additional_data?.refuse) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Keys for this team need an approval first")
    const channelId = additional_data?.sales_channel_id as string | undefined
    if (!channelId) return
    const links = apiKeys.map((key) => ({
      [Modules.API_KEY]: { publishable_key_id: key.id },
      [Modules.SALES_CHANNEL]: { sales_channel_id: channelId },
    }))
    await container.resolve<Link>("link").create(links)
    return new StepResponse(undefined, links)
  },
  async (links, { container }) => {
    if (links) await container.resolve<Link>("link").dismiss(links)
  }
)
`,
  // Every file under src/workflows loads at start, as in Medusa; tests beside them do not.
  "src/workflows/welcome.js": `
const { createStep, createWorkflow } = require(${quote(SRC)})
exports.welcomeWorkflow = createWorkflow("welcome", () => { createStep("say-hello", () => "hello")() })
`,
  "src/workflows/__tests__/welcome.spec.js": `throw new Error("tests are not loaded")`,
  "src/api/middlewares.ts": `
import { z } from ${quote(ZOD)}
import { defineMiddlewares } from ${quote(SRC)}

export default defineMiddlewares({
  routes: [
    {
      method: "POST",
      matcher: "/admin/api-keys",
      additionalDataValidator: { sales_channel_id: z.string().optional(), refuse: z.boolean().optional() },
    },
  ],
})
`,
}

let fx: HttpFixture
let appDir: string
let auth: string

beforeAll(async () => {
  appDir = writeAppFiles(APP_FILES)
  fx = await setupHttpApp({ directory: appDir })
  auth = `Bearer ${fx.adminToken}`
})

afterAll(async () => {
  await fx.close()
  rmSync(appDir, { recursive: true, force: true })
})

const post = (url: string, body: unknown) => request(fx.app).post(url).set("Authorization", auth).send(body as object)
const keysTitled = (title: string) => queryDatabase(fx.database.url, "select id from api_key where title = $1", [title])
const linksOf = (keyId: string) =>
  queryDatabase(fx.database.url, "select sales_channel_id from publishable_api_key_sales_channel where publishable_key_id = $1", [keyId])

describe("additional_data through HTTP to an app's hook", () => {
  it("reaches the apiKeysCreated handler the app registered in src/workflows/hooks", async () => {
    const channel = await fx.salesChannels.createSalesChannels({ name: "Web" })

    const res = await post("/admin/api-keys", { title: "Storefront", type: "publishable", additional_data: { sales_channel_id: channel.id } })

    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ title: "Storefront", token: expect.stringMatching(/^pk_/) })
    expect(res.body.api_key.sales_channels).toEqual([expect.objectContaining({ id: channel.id, name: "Web" })])
    expect(await linksOf(res.body.api_key.id)).toEqual([{ sales_channel_id: channel.id }])
  })

  it("creates the key as usual without additional_data", async () => {
    const res = await post("/admin/api-keys", { title: "No extras", type: "secret" })

    expect(res.status).toBe(200)
    expect(res.body.api_key).toMatchObject({ title: "No extras", token: expect.stringMatching(/^sk_/) })
  })

  it("answers the handler's error and keeps no key when the handler refuses", async () => {
    const res = await post("/admin/api-keys", { title: "Needs approval", type: "secret", additional_data: { refuse: true } })

    expect(res.status).toBe(400)
    expect(res.body).toEqual({ type: "not_allowed", message: "Keys for this team need an approval first" })
    expect(await keysTitled("Needs approval")).toEqual([])
  })

  it("validates additional_data with the app's additionalDataValidator, naming the field", async () => {
    const wrongType = await post("/admin/api-keys", { title: "Bad extras", type: "publishable", additional_data: { sales_channel_id: 5 } })
    const unknownKey = await post("/admin/api-keys", { title: "Bad extras", type: "publishable", additional_data: { team: "eu" } })

    expect(wrongType.status).toBe(400)
    expect(wrongType.body).toEqual({
      type: "invalid_data",
      message: "Invalid request: Expected type: 'string' for field 'additional_data[sales_channel_id]', got: 'number'",
    })
    expect(unknownKey.status).toBe(400)
    expect(unknownKey.body).toEqual({ type: "invalid_data", message: "Invalid request: Unrecognized fields in 'additional_data': 'team'" })
    expect(await keysTitled("Bad extras")).toEqual([])
  })

  it("takes any JSON object as additional_data on the update route, which declares no validator", async () => {
    const key = await fx.apiKeys.createApiKeys({ title: "Before", type: "publishable", created_by: "test" })

    const renamed = await post(`/admin/api-keys/${key.id}`, { title: "After", additional_data: { reason: "rebrand", by: { team: "eu" } } })
    const cleared = await post(`/admin/api-keys/${key.id}`, { title: "After again", additional_data: null })
    const notAnObject = await post(`/admin/api-keys/${key.id}`, { title: "Never", additional_data: ["rebrand"] })

    expect(renamed.status).toBe(200)
    expect(renamed.body.api_key.title).toBe("After")
    expect(cleared.status).toBe(200)
    expect(notAnObject.status).toBe(400)
    expect(notAnObject.body).toEqual({ type: "invalid_data", message: "Invalid request: Expected type: 'object' for field 'additional_data', got: 'array'" })
    expect((await fx.apiKeys.retrieveApiKey(key.id)).title).toBe("After again")
  })
})

describe("loading an app's workflows", () => {
  it("fails the start with the file and the reason when a workflow file cannot load", async () => {
    const broken = writeAppFiles({ "src/workflows/hooks/broken.js": `throw new Error("hook file is broken")` })
    try {
      const file = path.join(broken, "src/workflows/hooks/broken.js")
      await expect(loadMedusaApp({ directory: broken, config: testConfig(fx.database.url) })).rejects.toMatchObject({
        type: "invalid_data",
        message: `Could not load workflow file ${file}: hook file is broken`,
      })
    } finally {
      rmSync(broken, { recursive: true, force: true })
    }
  })
})
