import {
  AnymailInvalidWebhookPayload,
  AnymailWebhookValidationFailure,
  isAnymailError,
  type ParsedWebhook,
  type RawWebhookRequest,
  type VerifiedWebhook,
  type WebhookKind,
  type WebhookProvider,
} from "@anymail/core";
import { type MailgunBody, parseMailgunBody } from "./body.js";
import { inboundEventFromForm } from "./inbound.js";
import { type MailgunWebhooksOptions, resolveMailgunWebhooksConfig } from "./options.js";
import { createSignatureVerifier, type SignatureBlock } from "./signature.js";
import { formToObject, trackingEventFromJson, trackingEventFromLegacyForm } from "./tracking.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

/** The signature block: a JSON `signature` object, or (legacy and inbound) the *last* form values. */
function signatureBlock(body: MailgunBody): SignatureBlock {
  let timestamp: string | undefined;
  let token: string | undefined;
  let signature: string | undefined;
  if (body.type === "json") {
    const block = body.json.signature;
    if (isRecord(block)) {
      timestamp = asText(block.timestamp);
      token = asText(block.token);
      signature = asText(block.signature);
    }
  } else {
    // The last value: a user variable with the same name comes first (anymail's rule).
    timestamp = body.form.last("timestamp");
    token = body.form.last("token");
    signature = body.form.last("signature");
  }
  if (timestamp === undefined || token === undefined || signature === undefined) {
    throw new AnymailWebhookValidationFailure(
      "Mailgun webhook called without required security fields (timestamp, token, signature)",
    );
  }
  return { timestamp, token, signature };
}

/**
 * Mailgun's webhook side for `@anymail/webhooks`: `/mailgun/tracking` (current JSON
 * webhooks and legacy form posts) and `/mailgun/inbound` (route `forward()` posts, parsed
 * fields or `body-mime`). Every request is checked against Mailgun's signature,
 * HMAC-SHA256(signing key, timestamp + token), compared in constant time, with a freshness
 * window; a token reused with a different body is refused, and the token is the delivery
 * id the handler de-duplicates by. Web Crypto only: runs on edge runtimes too.
 *
 * @throws AnymailConfigurationError when no signing key is given or set in the environment
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { mailgunWebhooks } from "@anymail/mailgun";
 *
 * const anymail = createWebhookHandler({
 *   providers: [mailgunWebhooks({ webhookSigningKey: process.env.MAILGUN_WEBHOOK_SIGNING_KEY })],
 *   onTracking: async (event) => console.log(event.eventType, event.recipient, event.metadata),
 *   onInbound: async (event) => console.log(event.message.subject),
 * });
 * ```
 */
export function mailgunWebhooks(options: MailgunWebhooksOptions = {}): WebhookProvider {
  const config = resolveMailgunWebhooksConfig(options);
  const verifySignature = createSignatureVerifier({
    signingKey: config.webhookSigningKey,
    maxAgeSeconds: config.maxAgeSeconds,
    maxClockSkewSeconds: config.maxClockSkewSeconds,
    tokenMemory: config.tokenMemory,
  });
  // The body parsed during verify, reused by parse for the same request.
  const parsedBodies = new WeakMap<RawWebhookRequest, MailgunBody>();

  async function bodyOf(request: RawWebhookRequest): Promise<MailgunBody> {
    let body = parsedBodies.get(request);
    if (body === undefined) {
      body = await parseMailgunBody(request);
      parsedBodies.set(request, body);
    }
    return body;
  }

  return {
    name: "mailgun",
    kinds: ["tracking", "inbound"],

    isSigned(): boolean {
      return true;
    },

    async verify(_kind: WebhookKind, request: RawWebhookRequest): Promise<VerifiedWebhook> {
      let body: MailgunBody;
      try {
        body = await bodyOf(request);
      } catch (error) {
        // The signature lives inside the body, so a body that isn't JSON or a form carries
        // none: parse refuses it as malformed (400) and no handler ever sees it.
        if (isAnymailError(error, "invalid_webhook_payload")) return {};
        throw error;
      }
      const block = signatureBlock(body);
      await verifySignature(block, request.body);
      return { deliveryId: block.token };
    },

    async parse(kind: WebhookKind, request: RawWebhookRequest): Promise<ParsedWebhook> {
      const body = await bodyOf(request);
      if (kind === "tracking") {
        const event =
          body.type === "json"
            ? trackingEventFromJson(body.json)
            : trackingEventFromLegacyForm(body.form, formToObject(body.form));
        return { kind: "tracking", events: [event] };
      }
      if (body.type === "json") {
        const data = body.json["event-data"];
        const event = isRecord(data) && typeof data.event === "string" ? data.event : "";
        throw new AnymailInvalidWebhookPayload(
          `You seem to have set Mailgun's *${event} tracking* webhook to Anymail's Mailgun *inbound* webhook URL. (Or Mailgun has changed inbound events to use json.)`,
        );
      }
      const event = await inboundEventFromForm(body.form, formToObject(body.form));
      return { kind: "inbound", events: [event] };
    },
  };
}
