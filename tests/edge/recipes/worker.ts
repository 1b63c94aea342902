// A Cloudflare Worker that sends mail and receives Resend's webhooks, without nodejs_compat.
// tests/edge bundles this file the way Wrangler does and runs it in workerd (miniflare);
// docs/sending.md and docs/webhooks.md quote it.
import { createMailer, type Mailer } from "@anymail/core";
import { resend, resendWebhooks } from "@anymail/resend";
import { createWebhookHandler, type WebhookHandler } from "@anymail/webhooks";

/** Secrets: `wrangler secret put RESEND_API_KEY` (and the two webhook signing secrets). */
export interface Env {
  RESEND_API_KEY: string;
  RESEND_SIGNING_SECRET: string;
  RESEND_INBOUND_SECRET: string;
  /** Unset in production; the tests point it at the emulator. */
  RESEND_API_URL?: string;
}

// Workers have no process.env: the settings come from the bindings, on the first request.
let mailer: Mailer | undefined;

function getMailer(env: Env): Mailer {
  mailer ??= createMailer({
    provider: resend({ apiKey: env.RESEND_API_KEY, apiUrl: env.RESEND_API_URL }),
    defaults: { from: "Shop <shop@example.com>" },
  });
  return mailer;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/welcome") {
      const { email } = (await request.json()) as { email: string };
      const result = await getMailer(env).send({
        to: email,
        subject: "Welcome!",
        text: "Thanks for signing up.",
      });
      return Response.json({ messageId: result.messageId });
    }
    // Resend posts to /anymail/resend/tracking and /anymail/resend/inbound.
    if (pathname.startsWith("/anymail/")) return getWebhookHandler(env).handle(request);
    return new Response("Not found", { status: 404 });
  },
};

let anymail: WebhookHandler | undefined;

function getWebhookHandler(env: Env): WebhookHandler {
  anymail ??= createWebhookHandler({
    providers: [
      resendWebhooks({
        signingSecret: env.RESEND_SIGNING_SECRET,
        inboundSecret: env.RESEND_INBOUND_SECRET,
        apiKey: env.RESEND_API_KEY, // reads received emails
        apiUrl: env.RESEND_API_URL,
      }),
    ],
    onTracking: async (event) => {
      console.log("tracking", event.eventType, event.messageId, event.recipient);
    },
    onInbound: async ({ message }) => {
      await getMailer(env).send({
        to: message.from,
        subject: `Re: ${message.subject}`,
        text: `We got your message:\n\n${message.text ?? ""}`,
      });
    },
  });
  return anymail;
}
