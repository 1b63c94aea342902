// A Deno 2 server that sends mail and receives Resend's webhooks. tests/edge runs this file
// (`deno run --allow-net --allow-env --node-modules-dir=manual recipes/deno.ts`);
// docs/sending.md and docs/webhooks.md quote it.
import { createMailer } from "@anymail/core";
import { resend, resendWebhooks } from "@anymail/resend";
import { createWebhookHandler } from "@anymail/webhooks";

// RESEND_API_KEY (and RESEND_SIGNING_SECRET, RESEND_INBOUND_SECRET) come from the environment.
const mailer = createMailer({
  provider: resend(),
  defaults: { from: "Shop <shop@example.com>" },
});

Deno.serve(
  { hostname: Deno.env.get("HOST"), port: Number(Deno.env.get("PORT") ?? 8000) },
  async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/welcome") {
      const { email } = (await request.json()) as { email: string };
      const result = await mailer.send({
        to: email,
        subject: "Welcome!",
        text: "Thanks for signing up.",
      });
      return Response.json({ messageId: result.messageId });
    }
    // Resend posts to /anymail/resend/tracking and /anymail/resend/inbound.
    if (pathname.startsWith("/anymail/")) return anymail.handle(request);
    return new Response("Not found", { status: 404 });
  },
);

const anymail = createWebhookHandler({
  providers: [resendWebhooks()],
  onTracking: async (event) => {
    console.log("tracking", event.eventType, event.messageId, event.recipient);
  },
  onInbound: async ({ message }) => {
    await mailer.send({
      to: message.from,
      subject: `Re: ${message.subject}`,
      text: `We got your message:\n\n${message.text ?? ""}`,
    });
  },
});
