import { existsSync, readdirSync, statSync } from "node:fs"
import path from "node:path"
import type { AwilixContainer } from "awilix"
import type { IEventBusModuleService } from "../event-bus"
import { ensureTypeScriptLoader } from "../http/typescript-loader"
import { samePath } from "../modules-sdk/app/package-root"
import { isPlainObject } from "../modules-sdk/errors"
import { MedusaError } from "../modules-sdk/medusa-error"
import type { SubscriberConfig, SubscriberDefinition, SubscriberHandler } from "./types"

/** Files beside subscribers that are not subscribers. */
const SKIPPED = /(^index\.|\.d\.ts$|\.(spec|test)\.[jt]s$)/
const SKIPPED_FOLDERS = new Set(["__tests__", "__mocks__", "__fixtures__", "node_modules"])

function invalidFile(file: string, problem: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `The subscriber in ${file} ${problem}`)
}

function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
}

function listFiles(folder: string): string[] {
  const names = readdirSync(folder).sort()
  return names.flatMap((name) => {
    const full = path.join(folder, name)
    if (statSync(full).isDirectory()) return SKIPPED_FOLDERS.has(name) ? [] : listFiles(full)
    if (!/\.(js|ts)$/.test(name) || SKIPPED.test(name)) return []
    // Compiled output beside its source (x.js next to x.ts) is what runs.
    if (name.endsWith(".ts") && names.includes(name.replace(/\.ts$/, ".js"))) return []
    return [full]
  })
}

/**
 * Medusa's rule for a subscriber's id: `config.context.subscriberId`, else the handler's name
 * (a named function), else the file's name, in kebab case (`send-welcome-email`).
 */
function subscriberIdOf(file: string, config: SubscriberConfig, handler: SubscriberHandler): string {
  const given = config.context?.subscriberId
  if (given !== undefined) {
    if (typeof given !== "string" || given.trim() === "") throw invalidFile(file, "has a config.context.subscriberId that is not a non-empty string")
    return given
  }
  const named = handler.name && !/^_?default/.test(handler.name) ? handler.name : undefined
  return kebabCase(named ?? path.parse(file).name)
}

function checkSubscriber(file: string, exports: Record<string, unknown>): SubscriberDefinition {
  const handler = exports.default
  if (typeof handler !== "function") {
    throw invalidFile(file, "must export a default function: export default async function handler({ event, container }) { … }")
  }
  const config = exports.config as SubscriberConfig | undefined
  if (!isPlainObject(config)) throw invalidFile(file, 'is missing a config: export const config = { event: "api_key.api-key.created" }')
  const events = Array.isArray(config.event) ? config.event : [config.event]
  if (!events.length || events.some((event) => typeof event !== "string" || event.trim() === "")) {
    throw invalidFile(file, "has an invalid event config: config.event must be an event name or a list of event names")
  }
  if (config.context !== undefined && !isPlainObject(config.context)) throw invalidFile(file, "has a config.context that is not an object")
  return { file, subscriberId: subscriberIdOf(file, config, handler as SubscriberHandler), events: events as string[], handler: handler as SubscriberHandler, context: config.context ?? {} }
}

/**
 * The subscribers of an app: every `src/subscribers/**.{ts,js}` exports a default handler and a
 * `config` naming its events, as in Medusa. A file that does not is an error naming the file
 * (Medusa skips it with a warning outside production; a silently ignored subscriber is worse).
 * The host package itself has none.
 */
export function readAppSubscribers(directory: string, hostPackageRoot?: string): SubscriberDefinition[] {
  const folder = path.join(directory, "src", "subscribers")
  if (!existsSync(folder) || (hostPackageRoot && samePath(directory, hostPackageRoot))) return []
  return listFiles(folder).map((file) => {
    if (file.endsWith(".ts")) ensureTypeScriptLoader(file)
    let exports: Record<string, unknown>
    try {
      exports = require(file)
    } catch (error) {
      throw invalidFile(file, `could not be loaded: ${error instanceof Error ? error.message : String(error)}`)
    }
    return checkSubscriber(file, exports ?? {})
  })
}

/**
 * Subscribes each subscriber to its events on the app's bus; the handler gets
 * `{ event, container, pluginOptions }` with the app container.
 */
export function registerSubscribers(definitions: SubscriberDefinition[], bus: IEventBusModuleService, container: AwilixContainer): void {
  for (const { file, subscriberId, events, handler, context } of definitions) {
    for (const eventName of events) {
      const subscriber = (event: Parameters<Parameters<IEventBusModuleService["subscribe"]>[1]>[0]) => handler({ event, container, pluginOptions: {} })
      try {
        bus.subscribe(eventName, subscriber, { ...context, subscriberId })
      } catch (error) {
        throw invalidFile(file, `cannot subscribe to ${eventName}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }
}
