import { asValue, createContainer, InjectionMode, type AwilixContainer } from "awilix"
import type { MikroORM } from "@mikro-orm/postgresql"
import { ChangeFeed } from "./change-feed"
import { connectModuleOrm, type ModuleDatabaseOptions } from "./database"
import { migrationsTableOf, modelsOf, type ModuleExports, type ModuleLoader } from "./module"
import { assertKnownOptionKeys, DATABASE_OPTION_KEYS } from "./options"

export interface LoadedModule<TService = any> {
  service: TService
  container: AwilixContainer
  shutdown(): Promise<void>
}

/** The ORM settings of a module: its models' entities and its migrations, on its database. */
export function moduleOrmConfig(definition: ModuleExports, options: Record<string, unknown> | undefined) {
  const database = options?.database as ModuleDatabaseOptions | undefined
  assertKnownOptionKeys(database, DATABASE_OPTION_KEYS, "database.")
  return {
    database,
    entities: modelsOf(definition).map((model) => model.entity),
    migrationsList: definition.migrations,
    migrationsTable: migrationsTableOf(definition.name),
  }
}

/**
 * The connection of a module that has models: its ORM, and the change feed its writes publish to.
 * A module may list it among its loaders to choose when it runs (after checking its options, so
 * a typo is reported before any connection is tried); otherwise it runs first.
 */
export function connectionLoader(definition: ModuleExports): ModuleLoader {
  return async ({ container, options }) => {
    const orm = await connectModuleOrm(moduleOrmConfig(definition, options))
    const changeFeed = new ChangeFeed({ connectionString: orm.config.get("clientUrl") as string })
    container.register({ orm: asValue(orm), changeFeed: asValue(changeFeed) })
  }
}

/** Marks the place of the connection in a module's `loaders`. */
export const CONNECTION_LOADER: ModuleLoader = () => undefined

/**
 * Builds one module in its own container: its loaders (the connection among them), then its
 * service, constructed with the container's cradle and the options exactly as configured —
 * defaults are the module's business, so it behaves the same under any host.
 */
export async function loadModule<TService>(definition: ModuleExports<TService>, rawOptions: unknown): Promise<LoadedModule<TService>> {
  const options = (rawOptions ?? {}) as Record<string, unknown>
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  let service: TService | undefined
  const closeConnections = async () => {
    if (container.hasRegistration("changeFeed")) await container.resolve<ChangeFeed>("changeFeed").close()
    if (container.hasRegistration("orm")) await container.resolve<MikroORM>("orm").close(true)
  }
  const shutdown = async () => {
    const hook = (service as { onApplicationShutdown?: () => Promise<void> } | undefined)?.onApplicationShutdown
    if (hook) await hook.call(service)
    else await closeConnections()
    await container.dispose()
  }
  try {
    const connect = connectionLoader(definition as ModuleExports)
    const loaders = definition.loaders.includes(CONNECTION_LOADER) ? definition.loaders : [CONNECTION_LOADER, ...definition.loaders]
    for (const loader of loaders) {
      if (loader !== CONNECTION_LOADER) await loader({ container, options })
      else if (modelsOf(definition).length) await connect({ container, options })
    }
    service = new definition.service(container.cradle, options)
  } catch (error) {
    await closeConnections().catch(() => undefined)
    await container.dispose().catch(() => undefined)
    throw error
  }
  return { service, container, shutdown }
}
