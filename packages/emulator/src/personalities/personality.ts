import type { IncomingHttpHeaders } from "node:http";
import type { Emulator } from "../emulator.js";
import type { FormBody } from "../internal/http/body.js";
import type { RouteResponse } from "../internal/http/io.js";
import type { RateLimitState } from "../internal/faults/rate-limiter.js";
import type {
  EmittedEvent,
  EventKind,
  ReceivedEmail,
  StoredEmail,
  TestOutcome,
  WebhookEndpoint,
} from "../types.js";

/**
 * What an ESP personality tells the shared machinery. Everything here is ESP-specific; the
 * shared layer (HTTP server, body parsing, rate limiter, idempotency cache, faults, store,
 * inspection API, webhook dispatcher with retries, inbound MIME parsing, CLI) calls these
 * hooks and never names an ESP. A new personality is one folder under `personalities/<esp>/`
 * exporting one `Personality`, plus one line in `personalities/registry.ts`.
 * See docs/emulator.md, "Adding a personality".
 */
export interface Personality<Payload = unknown> {
  /** Registry key and `--provider` value, lower case: `"resend"`. */
  readonly name: string;
  /** Display name used in CLI output: `"Resend"`. */
  readonly title: string;
  /** API routes, matched in order by path segments; `:id` segments become `ctx.params`. */
  readonly routes: RouteTable;
  /**
   * Checks an API request's credentials (before rate limiting and routing). Return the key the
   * request authenticated with (it keys rate limits, quotas and `StoredEmail.apiKey`), or the
   * response to answer instead.
   */
  authenticate(request: AuthRequest, emu: Emulator): { key: string } | RouteResponse;
  /** Shapes an error raised by the shared layer into this ESP's error body and status. */
  error(status: number, code: SharedErrorCode, message: string): RouteResponse;
  /**
   * Set when the ESP dedupes retries by a request header (Resend's `Idempotency-Key`).
   * Endpoints are route keys such as `"POST /emails"`. Omit for ESPs without idempotency.
   */
  readonly idempotency?: { header: string; endpoints: readonly string[] };
  /**
   * Headers the ESP adds to every rate-limited API response (Resend's `ratelimit-*`). When
   * the limit is exceeded the shared layer also sets `retry-after`. Omit when the ESP sends none.
   */
  rateLimitHeaders?(state: RateLimitState): Record<string, string>;
  /** The `Message-ID` the ESP would give a stored email with this id, angle brackets included. */
  messageId(id: string): string;
  /** Outcome a recipient address triggers (Resend's `bounced@resend.dev`); null for ordinary mail. */
  testOutcome?(address: string): TestOutcome | null;
  /**
   * Environment variables the CLI prints so an app (anymail, and the ESP's SDK) points at the
   * emulator; `apiKey` is the first `--api-key`, or undefined when any well-formed key works.
   */
  env(url: string, apiKey: string | undefined): Record<string, string>;
  /**
   * Optional: environment variables the CLI prints for one webhook endpoint, so the app's
   * handler verifies what the emulator signs (Resend: `ANYMAIL_RESEND_SIGNING_SECRET=whsec_…`).
   */
  webhookEnv?(endpoint: WebhookEndpoint): Record<string, string>;
  /** The outgoing half: event payloads and how each delivery is signed or authenticated. */
  readonly webhooks: WebhookPersonality<Payload>;
  /** Extra patterns masked in inspection responses (API key formats); field names are masked anyway. */
  readonly secretPatterns?: readonly RegExp[];
}

/** How a personality shapes and signs outgoing webhooks. */
export interface WebhookPersonality<Payload = unknown> {
  /**
   * The per-endpoint secret: validate a configured one or generate one when absent (Resend:
   * `whsec_…`; Mailgun: a signing key; Postmark: none, return ""). Throw `EmulatorError`
   * (`invalid_options`) for an unusable secret.
   */
  secret(configured: string | undefined, url: string): string;
  /** The ESP's name for an event kind (`"email.delivered"`), or null when the ESP never sends it. */
  eventType(kind: EventKind): string | null;
  /** A fresh id for one event; every delivery attempt of the event reuses it. */
  eventId(): string;
  /** The payload of an event about a sent email; `extra` comes from `emu.emit(id, type, extra)`. */
  payload(
    kind: EventKind,
    type: string,
    email: StoredEmail,
    now: number,
    extra?: Record<string, unknown>,
  ): Payload;
  /** The payload announcing an inbound email. */
  inboundPayload(email: ReceivedEmail, now: number, extra?: Record<string, unknown>): Payload;
  /**
   * The HTTP request of one delivery attempt, built fresh per attempt (so signatures carry the
   * attempt's time). `url` defaults to the endpoint URL; the dispatcher moves URL user-info to
   * an `Authorization: Basic` header itself, so basic-auth personalities need not.
   */
  request(endpoint: WebhookEndpoint, event: EmittedEvent<Payload>, sentAt: Date): OutgoingWebhook;
}

/** One webhook delivery attempt as the dispatcher will POST it. */
export interface OutgoingWebhook {
  headers: Record<string, string>;
  body: string | Uint8Array;
  url?: string;
}

/** What `authenticate` sees of an API request. */
export interface AuthRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** `apiKeys` from the options, when the user restricted them. */
  allowedKeys: readonly string[] | undefined;
}

/**
 * Errors the shared layer raises; `error()` turns each into the ESP's shape. The code doubles
 * as a machine name (Resend uses it as the body's `name`).
 */
export type SharedErrorCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "not_found"
  | "method_not_allowed"
  | "body_too_large"
  | "invalid_body"
  | "invalid_path"
  | "rate_limit_exceeded"
  | "injected_fault"
  | "internal_server_error"
  | "invalid_idempotency_key"
  | "invalid_idempotent_request"
  | "concurrent_idempotent_requests";

/** What every API route handler receives. */
export interface RouteContext {
  emu: Emulator;
  /** Decoded `:id` segments, in order. */
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** The parsed form body for `multipart/form-data` and `application/x-www-form-urlencoded`, else null. */
  form: FormBody | null;
  /** The raw body bytes. */
  rawBody: Uint8Array;
  /** The key `authenticate` returned. */
  apiKey: string;
  /** The idempotency key in effect for this request, or null. */
  idempotencyKey: string | null;
}

/** A route handler; synchronous so the idempotency cache sees its answer atomically. */
export type RouteHandler = (ctx: RouteContext) => RouteResponse;

/** `[pattern, { METHOD: handler }]`; fixed segments win over `:id` segments listed later. */
export type RouteTable = readonly (readonly [
  pattern: string,
  methods: Partial<Record<string, RouteHandler>>,
])[];

export type { RouteResponse };
