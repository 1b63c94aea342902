import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { createWebhookHandler } from "@anymail/webhooks";
import { postmarkWebhooks } from "../../src/index.js";

export const BASIC_AUTH = "anymail:webhook-secret";
export const AUTH_HEADER = `Basic ${btoa(BASIC_AUTH)}`;

/** A real handler with basic auth, recording the events it hands out. */
export function recordingHandler() {
  const tracking: TrackingEvent[] = [];
  const inbound: InboundEvent[] = [];
  const handler = createWebhookHandler({
    providers: [postmarkWebhooks()],
    basicAuth: BASIC_AUTH,
    onTracking: (event) => {
      tracking.push(event);
    },
    onInbound: (event) => {
      inbound.push(event);
    },
    logger: () => {},
  });
  const post = (kind: "tracking" | "inbound", body: unknown, auth: string | null = AUTH_HEADER) =>
    handler.handle(
      new Request(`https://app.example/anymail/postmark/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return { tracking, inbound, post };
}
