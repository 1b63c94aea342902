import type { SecretRedaction } from "./redact.js";
import type { InboundEvent, TrackingEvent } from "./events.js";

/**
 * The two webhook kinds anymail routes: `/<provider>/tracking` and `/<provider>/inbound`.
 *
 * @example
 * ```ts
 * const kinds: WebhookKind[] = ["tracking", "inbound"];
 * ```
 */
export type WebhookKind = "tracking" | "inbound";

/**
 * A webhook request as a provider sees it: the exact raw bytes, never re-serialized JSON.
 *
 * @example
 * ```ts
 * const raw: RawWebhookRequest = { method: "POST", url, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) };
 * ```
 */
export interface RawWebhookRequest {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array;
}

/**
 * The outcome of verifying a request's authenticity.
 *
 * @example
 * ```ts
 * const id = request.headers.get("svix-id");
 * const verified: VerifiedWebhook = id === null ? {} : { deliveryId: id };
 * ```
 */
export interface VerifiedWebhook {
  /** The provider's delivery id (stable across retries), for de-duplication. */
  deliveryId?: string;
}

/**
 * Events parsed from one verified request.
 *
 * @example
 * ```ts
 * async parse(kind, request): Promise<ParsedWebhook> {
 *   const payload = JSON.parse(new TextDecoder().decode(request.body));
 *   return { kind: "tracking", events: [toTrackingEvent(payload)] };
 * }
 * ```
 */
export type ParsedWebhook =
  | { kind: "tracking"; events: TrackingEvent[] }
  | { kind: "inbound"; events: InboundEvent[] };

/**
 * A provider's webhook side. `@anymail/webhooks` routes, authenticates with basic auth,
 * de-duplicates and calls handlers; the provider only verifies and parses.
 *
 * @example
 * ```ts
 * const provider: WebhookProvider = {
 *   name: "example", kinds: ["tracking"], isSigned: () => false,
 *   async verify() { return {}; },
 *   async parse(kind, request) { return { kind: "tracking", events: [] }; },
 * };
 * ```
 */
export interface WebhookProvider {
  /** The URL segment, lower case: `resend` serves `/resend/tracking`. */
  readonly name: string;
  readonly kinds: readonly WebhookKind[];
  /** The provider's secrets for redaction: the webhook engine masks them in what it logs. */
  readonly redaction?: SecretRedaction;
  /** Whether requests of this kind are checked with a signature (else basic auth must be). */
  isSigned(kind: WebhookKind): boolean;
  /**
   * True when the ESP signs nothing and the provider was not told to allow that:
   * `createWebhookHandler` then refuses to be built without `basicAuth`
   * (or `ANYMAIL_WEBHOOK_SECRET`), instead of only warning.
   */
  readonly requiresBasicAuth?: boolean;
  /** Throws AnymailWebhookValidationFailure when the request is not authentic. */
  verify(kind: WebhookKind, request: RawWebhookRequest): Promise<VerifiedWebhook>;
  /**
   * Parses a verified request. Throws AnymailInvalidWebhookPayload for a malformed body
   * (answered 400) and AnymailAPIError when a follow-up fetch fails (answered 5xx so the
   * ESP retries).
   */
  parse(
    kind: WebhookKind,
    request: RawWebhookRequest,
    verified: VerifiedWebhook,
  ): Promise<ParsedWebhook>;
}
