export { AbstractEventBusModuleService, DEFAULT_GROUPED_EVENTS_TTL_SECONDS, eventOf, WILDCARD_EVENT } from "./abstract-event-bus"
export type {
  Event,
  EventMetadata,
  IEventBusModuleService,
  Logger,
  Message,
  ModuleDeclaration,
  Subscriber,
  SubscriberContext,
  SubscriberDescriptor,
  WorkerMode,
} from "./types"
