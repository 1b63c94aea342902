import { randomBytes } from "node:crypto";
import type { Provider, WebhookProvider } from "@anymail/core";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { mailgun, mailgunWebhooks } from "@anymail/mailgun";
import { postmark, postmarkWebhooks } from "@anymail/postmark";
import { resend, resendWebhooks } from "@anymail/resend";
import { generateSigningSecret } from "./secrets.js";

/** Where an emulator delivers its webhooks (basic auth in the URLs' user-info). */
export interface WebhookTargets {
  tracking: string;
  inbound: string;
}

/**
 * One ESP the playground can send through, emulated in-process. Adding an ESP to the page
 * is one entry in {@link emulatedProviders}: the page's provider switch, quirks panel
 * (core's `featureTable` of the provider's features), send and inbound forms all read this list.
 */
export interface EmulatedProvider {
  /** The URL segment and `@anymail/emulator` personality: `"postmark"`. */
  readonly id: string;
  readonly title: string;
  /** A recipient the emulator delivers to, prefilled in the form. */
  readonly sampleTo: string;
  /** The secret its webhooks are signed with, when the ESP signs them (Resend's svix secret). */
  readonly signingSecret?: string;
  startEmulator(targets: WebhookTargets): Promise<Emulator>;
  createProvider(emulatorUrl: string): Provider;
  createWebhooks(emulatorUrl: string): WebhookProvider;
}

function resendEntry(): EmulatedProvider {
  // One secret shared by the emulator (which signs) and the webhook provider (which verifies).
  const secret = generateSigningSecret();
  return {
    id: "resend",
    title: "Resend",
    sampleTo: "delivered@resend.dev",
    signingSecret: secret,
    startEmulator: (targets) =>
      startEmulator({
        provider: "resend",
        port: 0,
        webhooks: [
          { url: targets.tracking, secret, events: RESEND_TRACKING_EVENTS },
          { url: targets.inbound, secret, events: ["email.received"] },
        ],
      }),
    createProvider: (apiUrl) => resend({ apiKey: "re_playground", apiUrl }),
    // Resend rate-limits per API key: the webhook's follow-up fetches get their own key so a
    // burst of sends from the page can't make an inbound delivery fail.
    createWebhooks: (apiUrl) =>
      resendWebhooks({
        signingSecret: secret,
        inboundSecret: secret,
        apiKey: "re_playground_webhooks",
        apiUrl,
      }),
  };
}

function postmarkEntry(): EmulatedProvider {
  return {
    id: "postmark",
    title: "Postmark",
    sampleTo: "ana@example.org",
    // Postmark signs nothing: its webhooks carry the handler's basic auth in the URL.
    startEmulator: (targets) =>
      startEmulator({
        provider: "postmark",
        port: 0,
        webhooks: [
          { url: targets.tracking, events: POSTMARK_TRACKING_EVENTS },
          { url: targets.inbound, events: ["Inbound"] },
        ],
      }),
    createProvider: (apiUrl) => postmark({ serverToken: "playground-server-token", apiUrl }),
    createWebhooks: () => postmarkWebhooks(),
  };
}

function mailgunEntry(): EmulatedProvider {
  // Mailgun signs inside the payload (HMAC of timestamp + token) with this key.
  const signingKey = randomBytes(16).toString("hex");
  return {
    id: "mailgun",
    title: "Mailgun",
    sampleTo: "ana@example.org",
    signingSecret: signingKey,
    startEmulator: (targets) =>
      startEmulator({
        provider: "mailgun",
        port: 0,
        webhooks: [
          { url: targets.tracking, secret: signingKey, events: MAILGUN_TRACKING_EVENTS },
          { url: targets.inbound, secret: signingKey, events: ["inbound"] },
        ],
      }),
    createProvider: (emulatorUrl) =>
      mailgun({ apiKey: "key-playground", apiUrl: `${emulatorUrl}/v3` }),
    createWebhooks: () => mailgunWebhooks({ webhookSigningKey: signingKey }),
  };
}

const MAILGUN_TRACKING_EVENTS = [
  "delivered",
  "permanent_fail",
  "temporary_fail",
  "complained",
  "opened",
  "clicked",
];

/** Every Resend event type except inbound, which goes to its own endpoint. */
export const RESEND_TRACKING_EVENTS = [
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.opened",
  "email.clicked",
  "email.failed",
  "email.suppressed",
  "email.scheduled",
];

const POSTMARK_TRACKING_EVENTS = [
  "Delivery",
  "Bounce",
  "SpamComplaint",
  "Open",
  "Click",
  "SubscriptionChange",
];

/** The ESPs of the emulator mode, the default first. */
export function emulatedProviders(): EmulatedProvider[] {
  return [resendEntry(), postmarkEntry(), mailgunEntry()];
}

/** `user:password` for the webhook handler, also put in every emulator's webhook URLs. */
export function generateBasicAuth(): string {
  return `playground:${randomBytes(18).toString("base64url")}`;
}
