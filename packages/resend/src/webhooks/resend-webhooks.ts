import {
  AnymailConfigurationError,
  type ParsedWebhook,
  type RawWebhookRequest,
  type VerifiedWebhook,
  type WebhookKind,
  type WebhookProvider,
} from "@anymail/core";
import { VERSION } from "../version.js";
import { toInboundEvent } from "./inbound.js";
import { createInboundHttp, type InboundHttp } from "./inbound-http.js";
import { type ResendWebhooksOptions, resolveWebhookConfig } from "./options.js";
import { deliveryIdOf, invalidPayload, parseEnvelope } from "./payload.js";
import { rememberParsedBody, takeParsedBody } from "./parsed-body.js";
import { createSvixVerifier, loadSvixWebhook, type VerifiedBody } from "./svix.js";
import { toTrackingEvent } from "./tracking.js";

type Verifier = (body: Uint8Array, headers: Headers) => VerifiedBody;

/**
 * Resend's webhook side for `@anymail/webhooks`: svix signature checks over the raw bytes,
 * tracking events normalized per anymail, and inbound `email.received` notifications
 * completed by fetching the message from Resend's API.
 *
 * svix 1.x is an optional peer: it is loaded only when a secret is configured, and a
 * secret without svix installed throws AnymailImproperlyInstalled here, not per request.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * const anymail = createWebhookHandler({
 *   providers: [resendWebhooks({ signingSecret: process.env.RESEND_SIGNING_SECRET })],
 *   onTracking: async (event) => console.log(event.eventType, event.recipient),
 * });
 * ```
 */
export function resendWebhooks(options: ResendWebhooksOptions = {}): WebhookProvider {
  const config = resolveWebhookConfig(options);
  const verifiers: Partial<Record<WebhookKind, Verifier>> = {};
  if (config.signingSecret !== undefined || config.inboundSecret !== undefined) {
    const Webhook = loadSvixWebhook();
    if (config.signingSecret !== undefined) {
      verifiers.tracking = createSvixVerifier(
        Webhook,
        config.signingSecret,
        "RESEND_SIGNING_SECRET (signingSecret)",
      );
    }
    if (config.inboundSecret !== undefined) {
      verifiers.inbound = createSvixVerifier(
        Webhook,
        config.inboundSecret,
        "RESEND_INBOUND_SECRET (inboundSecret)",
      );
    }
  }
  const apiKey = config.apiKey;
  const http: InboundHttp | undefined =
    apiKey === undefined
      ? undefined
      : createInboundHttp({ ...config, apiKey }, `anymail-resend/${VERSION}`);

  return {
    name: "resend",
    kinds: ["tracking", "inbound"],
    redaction: config.redaction,

    isSigned(kind: WebhookKind): boolean {
      return verifiers[kind] !== undefined;
    },

    async verify(kind: WebhookKind, request: RawWebhookRequest): Promise<VerifiedWebhook> {
      const parsedBody = verifiers[kind]?.(request.body, request.headers);
      const deliveryId = deliveryIdOf(request.headers);
      const verified: VerifiedWebhook = deliveryId === undefined ? {} : { deliveryId };
      if (parsedBody !== undefined) rememberParsedBody(verified, request.body, parsedBody.json);
      return verified;
    },

    async parse(
      kind: WebhookKind,
      request: RawWebhookRequest,
      verified?: VerifiedWebhook,
    ): Promise<ParsedWebhook> {
      const envelope = parseEnvelope(request.body, takeParsedBody(verified, request.body));
      if (kind === "tracking") {
        if (envelope.type === "email.received") {
          throw invalidPayload(
            "Resend sent an email.received event to the anymail tracking webhook URL. Inbound mail belongs on .../resend/inbound (with its own signing secret); point Resend's email.received webhook there instead.",
          );
        }
        return { kind, events: [toTrackingEvent(envelope, request.headers)] };
      }
      if (http === undefined) {
        throw new AnymailConfigurationError(
          "Resend inbound webhooks need an API key to fetch the received email: pass resendWebhooks({ apiKey }), or set ANYMAIL_RESEND_API_KEY or RESEND_API_KEY",
          { provider: "Resend" },
        );
      }
      return { kind, events: [await toInboundEvent(envelope, request.headers, http)] };
    },
  };
}
