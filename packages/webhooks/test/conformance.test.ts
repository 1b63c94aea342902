import { describeWebhookConformance } from "@anymail/core/conformance";
import { expect } from "vitest";
import { createWebhookHandler } from "../src/index.js";
import {
  inboundPayload,
  signHeaders,
  testProvider,
  trackingPayload,
  WRONG_SECRET,
} from "./support/signing.js";

// The webhook conformance suite, end to end through this package's handler, on the neutral
// test provider: what every provider package runs with its own ESP's fixtures.
describeWebhookConformance({
  name: "Test webhook provider through createWebhookHandler",
  createProvider: () => testProvider(),
  sign: (_kind, body) => signHeaders(body),
  fixtures: [
    {
      title: "a bounce",
      kind: "tracking",
      body: JSON.stringify(trackingPayload("bounced", { rejectReason: "bounced" })),
      expect: [{ eventType: "bounced", recipient: "ana@example.org", rejectReason: "bounced" }],
    },
    {
      title: "an inbound message",
      kind: "inbound",
      body: JSON.stringify(inboundPayload()),
      expect: [
        { eventType: "inbound", message: expect.objectContaining({ subject: "Order 4411" }) },
      ],
    },
  ],
  forgeries: [
    {
      title: "a delivery signed with another key",
      kind: "tracking",
      request: () => {
        const body = JSON.stringify(trackingPayload());
        return { body, headers: signHeaders(body, { secret: WRONG_SECRET }) };
      },
    },
    {
      title: "a signature from ten minutes ago",
      kind: "inbound",
      request: () => {
        const body = JSON.stringify(inboundPayload());
        return { body, headers: signHeaders(body, { at: new Date(Date.now() - 600_000) }) };
      },
    },
  ],
  malformed: [
    {
      title: "a tracking event without a timestamp",
      kind: "tracking",
      request: () => {
        const body = JSON.stringify({ events: [{ eventType: "sent" }] });
        return { body, headers: signHeaders(body) };
      },
    },
  ],
  createHandler: createWebhookHandler,
});
