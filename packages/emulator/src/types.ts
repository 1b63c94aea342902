import type { ProviderName } from "./personalities/registry.js";

/**
 * Fault behaviour for one endpoint. Every rate is a probability between 0 and 1.
 *
 * @example
 * ```ts
 * const rule: FaultRule = { errorRate: 0.1, errorStatus: 503, latencyMs: 20 };
 * ```
 */
export interface FaultRule {
  /** Share of requests answered with `errorStatus` before any work is done. */
  errorRate?: number;
  /** Status used for injected errors; default 500. */
  errorStatus?: number;
  /** Share of requests whose connection is reset before anything is processed. */
  resetRate?: number;
  /** Share of requests fully processed (the email IS stored) whose response is then dropped. */
  dropResponseRate?: number;
  /** Delay added before the request is processed. */
  latencyMs?: number;
  /**
   * Requests to this endpoint that pass untouched before the rule applies, e.g. `1` to fault
   * the second call of a split send. Counted from when the rule is set. Default 0.
   */
  afterRequests?: number;
  /** Faults (errors, resets, dropped responses) injected before the rule stops. Default: no limit. */
  maxFaults?: number;
}

/**
 * Faults keyed by endpoint, for example `"POST /emails"`, `"POST /emails/batch"`,
 * `"GET /emails/:id"`, or `"*"` for every API endpoint without its own entry.
 *
 * @example
 * ```ts
 * emu.setFaults({ "POST /emails": { dropResponseRate: 1 }, "*": { latencyMs: 5 } });
 * // exactly the second batch call answers 503, once:
 * emu.setFaults({ "POST /emails/batch": { errorRate: 1, errorStatus: 503, afterRequests: 1, maxFaults: 1 } });
 * ```
 */
export type FaultConfig = Record<string, FaultRule | undefined>;

/**
 * A webhook endpoint as configured by the caller.
 *
 * @example
 * ```ts
 * const hook: WebhookEndpointConfig = { url: "http://127.0.0.1:3000/hooks", events: ["email.delivered"] };
 * ```
 */
export interface WebhookEndpointConfig {
  /** Where to POST; user-info (`https://user:pass@host/…`) is sent as basic auth. */
  url: string;
  /** The personality's signing secret (Resend: `whsec_…`; Mailgun: a signing key); generated when absent. */
  secret?: string;
  /** ESP event types to deliver, e.g. `["email.delivered"]`; all events when absent. */
  events?: string[];
}

/**
 * A configured webhook endpoint with its (possibly generated) secret.
 *
 * @example
 * ```ts
 * const { secret } = emu.addWebhook({ url: "http://127.0.0.1:3000/hooks" });
 * ```
 */
export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  events: string[] | null;
}

/**
 * Limits that keep the emulator's memory bounded.
 *
 * @example
 * ```ts
 * await startEmulator({ retention: { maxEmails: 1_000, maxEvents: 5_000 } });
 * ```
 */
export interface RetentionOptions {
  /** Sent emails kept; the oldest are dropped first. Default 10,000. */
  maxEmails: number;
  /** Inbound emails kept. Default: `maxEmails`. */
  maxReceived?: number;
  /** Webhook events kept in `emu.events`. Default 50,000. */
  maxEvents?: number;
  /** Delivery attempts kept in `emu.deliveries`. Default 50,000. */
  maxDeliveries?: number;
  /** Idempotency keys remembered (besides the 24 h lifetime). Default 10,000. */
  maxIdempotencyKeys?: number;
}

/**
 * Options of {@link startEmulator}: the shared machinery's settings, whatever the personality.
 *
 * @example
 * ```ts
 * const options: EmulatorOptions = { provider: "resend", port: 3025, rateLimit: false, webhooks: [{ url }] };
 * ```
 */
export interface EmulatorOptions {
  /** Which ESP to behave like; default `"resend"`. */
  provider?: ProviderName;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Accepted API keys (or server tokens); by default the personality's own rule (Resend: any `re_…` key). */
  apiKeys?: string[];
  /** Requests per second per API key (default 5), or `false` to turn rate limiting off. */
  rateLimit?: { requestsPerSecond: number } | false;
  /** Emails per API key per UTC day; unlimited when absent. */
  dailyQuota?: number;
  /** Resend only: answer a plain-text 403 (like Resend's edge) when `User-Agent` is missing. */
  requireUserAgent?: boolean;
  /** Webhook endpoints to deliver events to. */
  webhooks?: WebhookEndpointConfig[];
  /** Delay before each delivery attempt; the last value is the final attempt. Default `[0, 50, 200, 1000]`. */
  webhookRetryScheduleMs?: number[];
  /** How long a webhook receiver may take before the attempt counts as failed. Default 10,000 ms. */
  webhookTimeoutMs?: number;
  /** Delay between the `sent` event and the follow-up event (`delivered`, …). Default 20 ms. */
  deliveryDelayMs?: number;
  /** Fault injection per endpoint. */
  faults?: FaultConfig;
  /** Seed of the random source used for fault decisions. */
  seed?: number;
  /** Memory bounds. */
  retention?: RetentionOptions;
  /** Clock in epoch milliseconds; drives timestamps, idempotency, quotas, rate limits and URL expiry. */
  now?: () => number;
}

/**
 * Options of {@link startResendEmulator}: {@link EmulatorOptions} without `provider`.
 *
 * @example
 * ```ts
 * const options: ResendEmulatorOptions = { port: 3025, rateLimit: false, webhooks: [{ url }] };
 * ```
 */
export type ResendEmulatorOptions = Omit<EmulatorOptions, "provider">;

/**
 * Provider-neutral kinds of events an emulated email goes through; each personality names
 * them its own way (Resend: `email.delivered`).
 *
 * @example
 * ```ts
 * const kind: EventKind = "delivered";
 * ```
 */
export type EventKind =
  | "scheduled"
  | "sent"
  | "delivered"
  | "delivery_delayed"
  | "bounced"
  | "complained"
  | "suppressed"
  | "opened"
  | "clicked"
  | "failed"
  | "canceled"
  | "received";

/**
 * What a test recipient address makes happen after a send.
 *
 * @example
 * ```ts
 * const outcome: TestOutcome = "bounced";
 * ```
 */
export type TestOutcome = "delivered" | "bounced" | "complained" | "suppressed";

/**
 * `last_event` values of an email.
 *
 * @example
 * ```ts
 * const done: EmailLastEvent[] = ["delivered", "bounced"];
 * ```
 */
export type EmailLastEvent =
  | "bounced"
  | "canceled"
  | "clicked"
  | "complained"
  | "delivered"
  | "delivery_delayed"
  | "failed"
  | "opened"
  | "queued"
  | "scheduled"
  | "sent"
  | "suppressed";

/**
 * An attachment of a sent email, as accepted by the API.
 *
 * @example
 * ```ts
 * const bytes = Buffer.from(emu.emails[0]!.attachments[0]!.content ?? "", "base64");
 * ```
 */
export interface SentAttachment {
  id: string;
  filename: string | null;
  /** Base64 content, or null when the attachment was given by `path`. */
  content: string | null;
  path: string | null;
  contentType: string | null;
  contentId: string | null;
  /** Decoded size in bytes (0 for `path` attachments). */
  size: number;
}

/**
 * The provider-neutral fields of a sent email, as a personality hands them to the store.
 *
 * @example
 * ```ts
 * const { from, to, subject }: EmailFields = emu.emails[0]!;
 * ```
 */
export interface EmailFields {
  /** The sender as given (`Name <addr@example.com>` or a bare address). */
  from: string;
  to: string[];
  cc: string[] | null;
  bcc: string[] | null;
  replyTo: string[] | null;
  subject: string;
  html: string | null;
  text: string | null;
  /** Custom headers as given. */
  headers: Record<string, string> | null;
  /** Tags the ESP records natively (Postmark's `Tag`, Mailgun's `o:tag`). */
  tags: string[];
  /** Key/value data the ESP records natively (Resend's name/value tags, Postmark's `Metadata`, Mailgun's `v:`). */
  metadata: Record<string, string>;
  attachments: SentAttachment[];
  /** The ESP-hosted template the email names, with its variables, or null. */
  template: { id: string; variables: Record<string, unknown> } | null;
}

/**
 * A sent email stored by the emulator: the neutral fields, the lifecycle, and the request as
 * the personality parsed it.
 *
 * @example
 * ```ts
 * const email: StoredEmail = emu.emails[0]!;
 * console.log(email.id, email.lastEvent, email.subject);
 * ```
 */
export interface StoredEmail extends EmailFields {
  id: string;
  /** The personality that accepted it: `"resend"`. */
  provider: string;
  /** The request (or batch item) as parsed: a JSON object, or form fields as `{ name: value | values[] }`. */
  request: Record<string, unknown>;
  /** ISO timestamp the email is scheduled for, or null. */
  scheduledAt: string | null;
  messageId: string;
  lastEvent: EmailLastEvent;
  /** Epoch ms on the emulator clock. */
  createdAt: number;
  /** The key the request authenticated with (masked in the inspection API). */
  apiKey: string;
  idempotencyKey: string | null;
  /** True when the email came in through a batch endpoint. */
  batch: boolean;
}

/**
 * The former name of {@link StoredEmail}.
 *
 * @example
 * ```ts
 * const email: SentEmail = emu.emails[0]!;
 * ```
 */
export type SentEmail = StoredEmail;

/**
 * A webhook event emitted by the emulator.
 *
 * @example
 * ```ts
 * const types = emu.events.map((event: EmittedEvent) => event.type);
 * ```
 */
export interface EmittedEvent<Payload = WebhookPayload> {
  /** The ESP's event name: `email.delivered`. */
  type: string;
  /** The neutral kind behind it: `delivered`. */
  kind: EventKind;
  /** Sent or received email this event is about. */
  emailId: string;
  /** The id every delivery of this event carries (Resend: the `svix-id`). */
  eventId: string;
  /** Same as `eventId`; the Resend-era name. */
  svixId: string;
  /** What the personality posts (Resend: the JSON envelope `{ type, created_at, data }`). */
  payload: Payload;
  createdAt: number;
}

/**
 * Resend's webhook envelope.
 *
 * @example
 * ```ts
 * const payload: WebhookPayload = emu.events[0]!.payload; // { type, created_at, data }
 * ```
 */
export interface WebhookPayload {
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

/**
 * One attempt to deliver an event to an endpoint.
 *
 * @example
 * ```ts
 * const failed = emu.deliveries.filter((attempt: DeliveryAttempt) => !attempt.ok);
 * ```
 */
export interface DeliveryAttempt {
  endpointId: string;
  /** The endpoint URL (user-info masked in the inspection API). */
  url: string;
  /** The event's id, the same on every attempt. */
  eventId: string;
  /** Same as `eventId`; the Resend-era name. */
  svixId: string;
  eventType: string;
  emailId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** HTTP status of the receiver, or null when the request failed. */
  status: number | null;
  /** Network error text, or null. */
  error: string | null;
  ok: boolean;
  /** True when no further attempt will be made for this event and endpoint. */
  final: boolean;
  /** Epoch ms (wall clock) of the attempt. */
  at: number;
}

/**
 * An attachment of an inbound email.
 *
 * @example
 * ```ts
 * const [first]: ReceivedAttachment[] = (await emu.receive(input)).attachments;
 * ```
 */
export interface ReceivedAttachment {
  id: string;
  filename: string | null;
  contentType: string;
  contentDisposition: "inline" | "attachment" | null;
  contentId: string | null;
  size: number;
  content: Uint8Array;
}

/**
 * An inbound email stored by the emulator.
 *
 * @example
 * ```ts
 * const received: ReceivedEmail = await emu.receive({ from, to, subject: "Hi", text: "Hello" });
 * ```
 */
export interface ReceivedEmail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  receivedFor: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  messageId: string;
  attachments: ReceivedAttachment[];
  /** The RFC 822 message. */
  raw: Uint8Array;
  createdAt: number;
}

/**
 * An attachment for {@link Emulator.receive}.
 *
 * @example
 * ```ts
 * const logo: InboundAttachmentInput = { filename: "logo.png", content: pngBytes, contentId: "logo" };
 * ```
 */
export interface InboundAttachmentInput {
  filename: string;
  content: Uint8Array | string;
  contentType?: string;
  /** Makes the part inline, referenced from HTML as `cid:<contentId>`. */
  contentId?: string;
}

/**
 * Fields of an inbound email for {@link Emulator.receive}.
 *
 * @example
 * ```ts
 * await emu.receive({ from: "ana@example.org", to: "support@example.com", subject: "Help", text: "Hi" });
 * ```
 */
export interface InboundFieldsInput {
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: InboundAttachmentInput[];
  headers?: Record<string, string>;
}

/**
 * A raw RFC 822 message for {@link Emulator.receive}.
 *
 * @example
 * ```ts
 * await emu.receive({ raw: "From: a@example.org\r\nTo: b@example.com\r\nSubject: Hi\r\n\r\nHello" });
 * ```
 */
export interface InboundRawInput {
  raw: Uint8Array | string;
}

/**
 * Options of {@link Emulator.waitForDeliveries}.
 *
 * @example
 * ```ts
 * await emu.waitForDeliveries(undefined, { timeoutMs: 2_000 });
 * ```
 */
export interface WaitForDeliveriesOptions {
  /** Reject after this long; default 10,000 ms. */
  timeoutMs?: number;
}
