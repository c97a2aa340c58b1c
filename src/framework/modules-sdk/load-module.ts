import { asValue, createContainer, InjectionMode, type AwilixContainer } from "awilix"
import type { MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "./change-feed"
import { closeModuleOrm } from "./database"
import { CHANGE_FEED_REDIS_URL, CONNECTION_LOADER, connectionLoader, moduleLoaders, moduleOrmConfig, type ModuleExports } from "./module"

export interface LoadedModule<TService = any> {
  service: TService
  container: AwilixContainer
  shutdown(): Promise<void>
}

export { moduleOrmConfig }

export { CONNECTION_LOADER, connectionLoader }

/**
 * Builds one module in its own container: its loaders (the connection among them), then its
 * service, constructed with the container's cradle and the options exactly as configured —
 * defaults are the module's business, so it behaves the same under any host.
 */
export interface LoadModuleHost {
  /**
   * What the app shares with every module, registered in the module's container before its
   * loaders run, as Medusa's loader does: the app's `event_bus` and `logger`.
   */
  registrations?: Record<string, unknown>
  /** The third constructor argument (Medusa's module declaration: `worker_mode`). */
  declaration?: Record<string, unknown>
  /** projectConfig.redisUrl: the module's change feed runs over Redis. */
  redisUrl?: string
}

export async function loadModule<TService>(definition: ModuleExports<TService>, rawOptions: unknown, host: LoadModuleHost = {}): Promise<LoadedModule<TService>> {
  const options = (rawOptions ?? {}) as Record<string, unknown>
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  // What the host shares with every module (as Medusa's loader lends its database connection).
  if (host.redisUrl) container.register(CHANGE_FEED_REDIS_URL, asValue(host.redisUrl))
  for (const [key, value] of Object.entries(host.registrations ?? {})) container.register(key, asValue(value))
  let service: TService | undefined
  const closeConnections = async () => {
    if (container.hasRegistration("changeFeed")) await container.resolve<ChangeFeed>("changeFeed").close()
    if (container.hasRegistration("orm")) await closeModuleOrm(container.resolve<MikroORM>("orm"))
  }
  const shutdown = async () => {
    const hook = (service as { onApplicationShutdown?: () => Promise<void> } | undefined)?.onApplicationShutdown
    if (hook) await hook.call(service)
    else await closeConnections()
    await container.dispose()
  }
  try {
    for (const loader of moduleLoaders(definition as ModuleExports)) await loader({ container, options })
    service = new definition.service(container.cradle, options, host.declaration ?? {})
  } catch (error) {
    await closeConnections().catch(() => undefined)
    await container.dispose().catch(() => undefined)
    throw error
  }
  return { service, container, shutdown }
}
