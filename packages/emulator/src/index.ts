export { Emulator, ResendEmulator } from "./emulator.js";
export { EmulatorError, ResendEmulatorError } from "./errors.js";
export type { ProviderName } from "./personalities/registry.js";
export { startEmulator, startResendEmulator } from "./start.js";
export type {
  DeliveryAttempt,
  EmailFields,
  EmailLastEvent,
  EmittedEvent,
  EmulatorOptions,
  EventKind,
  FaultConfig,
  FaultRule,
  InboundAttachmentInput,
  InboundFieldsInput,
  InboundRawInput,
  ReceivedAttachment,
  ReceivedEmail,
  ResendEmulatorOptions,
  RetentionOptions,
  SentAttachment,
  SentEmail,
  StoredEmail,
  TestOutcome,
  WaitForDeliveriesOptions,
  WebhookEndpoint,
  WebhookEndpointConfig,
  WebhookPayload,
} from "./types.js";
