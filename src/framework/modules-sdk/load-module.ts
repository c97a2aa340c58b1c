import { createContainer, InjectionMode, type AwilixContainer } from "awilix"
import type { ModuleExports } from "./module"

export interface LoadedModule<TService = any> {
  service: TService
  container: AwilixContainer
  shutdown(): Promise<void>
}

/**
 * Builds one module: its own container, its loaders (connection, repositories), then its
 * service, constructed with the module container's cradle and the module options.
 */
export async function loadModule<TService>(definition: ModuleExports<TService>, rawOptions: unknown): Promise<LoadedModule<TService>> {
  const options = definition.normalizeOptions ? definition.normalizeOptions(rawOptions) : (rawOptions ?? {})
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  let service: TService | undefined
  const shutdown = async () => {
    const hook = (service as { onApplicationShutdown?: () => Promise<void> } | undefined)?.onApplicationShutdown
    if (hook) await hook.call(service)
    await container.dispose()
  }
  try {
    for (const loader of definition.loaders) {
      await loader({ container, options })
    }
    service = new definition.service(container.cradle, options)
  } catch (error) {
    await shutdown().catch(() => undefined)
    const orm = container.hasRegistration("orm") ? (container.resolve("orm") as { close?: (force?: boolean) => Promise<void> }) : undefined
    await orm?.close?.(true).catch(() => undefined)
    throw error
  }
  return { service, container, shutdown }
}
