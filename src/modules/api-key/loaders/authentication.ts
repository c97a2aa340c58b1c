import { asValue } from "awilix"
import type { MikroORM } from "@mikro-orm/postgresql"
import type { ChangeFeed } from "../../../framework/modules-sdk/change-feed"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { TokenAuthenticator } from "../authentication/authenticator"
import { SecretHasher } from "../authentication/hasher"
import { LastUsedTracker } from "../authentication/last-used-tracker"
import { LegacyGuard } from "../authentication/legacy-guard"
import { ScryptLimiter } from "../authentication/scrypt-limiter"
import { VerificationCache } from "../authentication/verification-cache"
import { ApiKeyHistoryRepository } from "../repositories/api-key-history-repository"
import { ApiKeyRepository } from "../repositories/api-key-repository"
import { ApiKeyHistoryRecorder } from "../services/history"
import { normalizeApiKeyModuleOptions, type NormalizedApiKeyModuleOptions } from "./options"

/**
 * Builds the module's moving parts once, from its normalised options, and registers them in the
 * module's own container for the service: the repository of its own queries, the scrypt hasher
 * and limiter, the authenticator with its verification cache (subscribed to the change feed)
 * and last-used tracker, and the key history's recorder (shared by the service and the tracker).
 */
/** Checks the options and fills in their defaults, before any connection is tried. */
export function optionsLoader({ container, options }: ModuleLoaderArgs): void {
  container.register({ apiKeyOptions: asValue(normalizeApiKeyModuleOptions(options)) })
}

export function authenticationLoader({ container }: ModuleLoaderArgs): void {
  const settings = container.resolve<NormalizedApiKeyModuleOptions>("apiKeyOptions")
  const orm = container.resolve<MikroORM>("orm")
  const changeFeed = container.resolve<ChangeFeed>("changeFeed")
  const repository = new ApiKeyRepository()
  const historyRepository = new ApiKeyHistoryRepository()
  const history = new ApiKeyHistoryRecorder(historyRepository)
  const limiter = new ScryptLimiter(settings.scryptQueue)
  const legacyGuard = new LegacyGuard(settings.legacyVerification)
  const hasher = new SecretHasher(settings.scrypt, limiter, settings.hashFormat)
  const authenticator = new TokenAuthenticator({
    orm,
    repository,
    hasher,
    limiter,
    changeFeed,
    cache: settings.authCache ? new VerificationCache(settings.authCache) : undefined,
    lastUsed: settings.lastUsedAt ? new LastUsedTracker(orm, repository, settings.lastUsedAt, history) : undefined,
    propagationMs: settings.authCache ? settings.authCache.propagationMs : undefined,
    legacyGuard,
    verifiedMax: settings.authCache ? settings.authCache.max : undefined,
  })
  container.register({
    apiKeyRepository: asValue(repository),
    apiKeyHasher: asValue(hasher),
    apiKeyAuthenticator: asValue(authenticator),
    apiKeyHistoryRepository: asValue(historyRepository),
    apiKeyHistory: asValue(history),
  })
}
