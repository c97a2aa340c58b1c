export { readAppSubscribers, registerSubscribers } from "./load-subscribers"
export type { SubscriberArgs, SubscriberConfig, SubscriberDefinition, SubscriberHandler } from "./types"
