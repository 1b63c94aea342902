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
import { createSvixVerifier, type SvixVerifier } from "./svix.js";
import { toTrackingEvent } from "./tracking.js";

/**
 * Resend's webhook side for `@anymail/webhooks`: svix signature checks over the raw bytes,
 * tracking events normalized per anymail, and inbound `email.received` notifications
 * completed by fetching the message from Resend's API.
 *
 * Signatures are checked by anymail's own svix / Standard Webhooks verifier (the `svix`
 * package is not needed): `node:crypto` where the runtime has it, Web Crypto elsewhere.
 * An unusable secret throws AnymailConfigurationError here, not per request.
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
  const verifiers: Partial<Record<WebhookKind, SvixVerifier>> = {};
  if (config.signingSecret !== undefined) {
    verifiers.tracking = createSvixVerifier(
      config.signingSecret,
      "RESEND_SIGNING_SECRET (signingSecret)",
    );
  }
  if (config.inboundSecret !== undefined) {
    verifiers.inbound = createSvixVerifier(
      config.inboundSecret,
      "RESEND_INBOUND_SECRET (inboundSecret)",
    );
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
      // Synchronous on runtimes with node:crypto: no promise to wait for.
      const pending = verifiers[kind]?.(request.body, request.headers);
      if (pending !== undefined) await pending;
      const deliveryId = deliveryIdOf(request.headers);
      return deliveryId === undefined ? {} : { deliveryId };
    },

    async parse(kind: WebhookKind, request: RawWebhookRequest): Promise<ParsedWebhook> {
      const envelope = parseEnvelope(request.body);
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
