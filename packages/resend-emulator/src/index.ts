export { ResendEmulator } from "./internal/emulator.js";
export { ResendEmulatorError } from "./internal/emulator-error.js";
export { startResendEmulator } from "./internal/start.js";
export type {
  DeliveryAttempt,
  EmailFields,
  EmailLastEvent,
  EmailTag,
  EmittedEvent,
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
  WaitForDeliveriesOptions,
  WebhookEndpoint,
  WebhookEndpointConfig,
  WebhookPayload,
} from "./internal/types.js";
