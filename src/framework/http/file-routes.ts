import { existsSync, readdirSync, statSync } from "node:fs"
import path from "node:path"
import type { RequestHandler, Router } from "express"
import { checkMiddlewaresAtStartup, routeMiddlewares, type MiddlewaresConfig } from "./middlewares"
import { assertScopeDeclared } from "./auth/authorize"
import { countHeldRateLimit } from "./auth/rate-limit"
import type { MedusaContainer } from "./types"
import { MedusaError } from "../modules-sdk/medusa-error"
import { ensureTypeScriptLoader } from "./typescript-loader"

export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const
export type RouteMethod = (typeof ROUTE_METHODS)[number]

export interface FileRoute {
  /** The express path, e.g. /admin/custom/:id. */
  path: string
  file: string
  methods: RouteMethod[]
}

const ROUTE_FILES = ["route.js", "route.ts"]
const MIDDLEWARE_FILES = ["middlewares.js", "middlewares.ts"]
const PARAM = /^\[([A-Za-z_$][\w$]*)\]$/
const STATIC_SEGMENT = /^[\w.~-]+$/

function invalidRoute(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, message)
}

/** `[id]` → `:id`; other folder names are literal path segments. */
function toPathSegment(segment: string, folder: string): string {
  const param = PARAM.exec(segment)
  if (param) return `:${param[1]}`
  if (!STATIC_SEGMENT.test(segment)) {
    throw invalidRoute(
      `Unsupported route folder "${segment}" in ${folder}: use letters, digits, "-", "_", "." or a parameter such as [id]`
    )
  }
  return segment
}

function findRouteFiles(root: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name))
    // Compiled output beside its source (route.js next to route.ts) is what runs.
    const routeFile = ROUTE_FILES.find((name) => names.has(name))
    if (routeFile) found.push(path.join(dir, routeFile))
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules") {
        walk(path.join(dir, entry.name))
      }
    }
  }
  walk(root)
  return found
}

/**
 * Static segments before parameters at the same depth, so /admin/things/export is matched
 * before /admin/things/:id — express tries routes in the order they were added.
 */
function compareRoutes(a: FileRoute, b: FileRoute): number {
  const as = a.path.split("/")
  const bs = b.path.split("/")
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const ap = as[i].startsWith(":")
    const bp = bs[i].startsWith(":")
    if (ap !== bp) return ap ? 1 : -1
    if (as[i] !== bs[i]) return as[i].localeCompare(bs[i])
  }
  return bs.length - as.length
}

function loadRouteModule(file: string): Record<string, unknown> {
  if (file.endsWith(".ts")) ensureTypeScriptLoader(file)
  try {
    return require(file)
  } catch (error) {
    if (MedusaError.isMedusaError(error)) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw invalidRoute(`Could not load route file ${file}: ${reason}`)
  }
}

function loadMiddlewares(root: string): { config: MiddlewaresConfig; file: string } | undefined {
  const name = MIDDLEWARE_FILES.find((file) => existsSync(path.join(root, file)))
  if (!name) return undefined
  const file = path.join(root, name)
  const loaded = loadRouteModule(file)
  const config = (loaded.default ?? loaded) as MiddlewaresConfig
  if (!config || !Array.isArray(config.routes)) {
    throw invalidRoute(`${file} must export default defineMiddlewares({ routes: [{ matcher, method?, middlewares }] })`)
  }
  for (const route of config.routes) {
    if (route.middlewares !== undefined && !Array.isArray(route.middlewares)) {
      throw invalidRoute(`${file}: the middlewares of "${route.matcher}" must be an array of functions`)
    }
    if (route.additionalDataValidator !== undefined && (typeof route.additionalDataValidator !== "object" || route.additionalDataValidator === null)) {
      throw invalidRoute(`${file}: the additionalDataValidator of "${route.matcher}" must be an object of zod fields, e.g. { brand: z.string() }`)
    }
  }
  return { config, file }
}

function mountMiddlewares(router: Router, config: MiddlewaresConfig): void {
  for (const route of config.routes) {
    const handlers: RequestHandler[] = routeMiddlewares(route)
    if (!handlers.length) continue
    const methods = route.method === undefined ? [] : Array.isArray(route.method) ? route.method : [route.method]
    if (!methods.length) router.use(route.matcher, ...handlers)
    for (const method of methods) router[method.toLowerCase() as Lowercase<RouteMethod>](route.matcher, ...handlers)
  }
}

/**
 * Finds every route.ts / route.js under the api folder `root` and mounts its exported GET, POST,
 * PUT, PATCH, DELETE (…) handlers on `router` at the folder's path, as Medusa does:
 * <root>/admin/custom/[id]/route.ts serves /admin/custom/:id. The folder's middlewares.ts (if
 * any) is mounted first, so its validators and guards run before the handlers. With the app's
 * `container`, the middlewares' start-up checks run (an `authorize` scope the API key module does
 * not know stops the server here). Every handler refuses keys with limited scopes unless a
 * middleware authorized the request (see assertScopeDeclared).
 */
export function mountFileRoutes(router: Router, root: string, container?: MedusaContainer): FileRoute[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return []
  const routes: Array<FileRoute & { routeModule: Record<string, unknown> }> = []
  for (const file of findRouteFiles(root)) {
    const folder = path.dirname(file)
    const segments = path.relative(root, folder).split(path.sep).filter(Boolean)
    const routePath = "/" + segments.map((s) => toPathSegment(s, folder)).join("/")
    // Not named `exports`: compiled to CommonJS, that name would shadow the module's own exports.
    const routeModule = loadRouteModule(file)
    const methods = ROUTE_METHODS.filter((m) => typeof routeModule[m] === "function")
    if (!methods.length) {
      throw invalidRoute(`Route file ${file} exports no handler: export async function GET(req, res) { … } (or POST, PUT, PATCH, DELETE)`)
    }
    routes.push({ path: routePath, file, methods, routeModule })
  }
  routes.sort(compareRoutes)
  const middlewares = loadMiddlewares(root)
  if (middlewares && container) checkMiddlewaresAtStartup(middlewares.config, container, middlewares.file)
  if (middlewares) mountMiddlewares(router, middlewares.config)
  for (const route of routes) {
    for (const method of route.methods) {
      const fn = route.routeModule[method] as (req: unknown, res: unknown) => unknown
      const verb = method.toLowerCase() as Lowercase<RouteMethod>
      // Returning the handler's promise lets express 5 pass a rejection to the error handler.
      router[verb](route.path, (req, res) => {
        assertScopeDeclared(req)
        const counting = countHeldRateLimit(req, res)
        return counting ? counting.then(() => fn(req, res)) : fn(req, res)
      })
    }
  }
  return routes.map(({ path: p, file, methods }) => ({ path: p, file, methods }))
}
