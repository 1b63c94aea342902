// The shared webhook conformance suite for mailgunWebhooks: Mailgun signs inside the payload
// (a JSON `signature` block, or timestamp/token/signature form fields), over timestamp + token
// only, so `sign` returns the signed body and the suite skips the body-tamper checks.
import { describeWebhookConformance, type SignedDelivery } from "@anymail/core/conformance";
import { createWebhookHandler } from "@anymail/webhooks";
import { mailgunWebhooks } from "../../src/index.js";
import { freshToken, KEY, mailgunSignature, nowSeconds } from "./helpers.js";

const FORM = "application/x-www-form-urlencoded";

function sign(body: string | Uint8Array, key = KEY, timestamp = nowSeconds()): SignedDelivery {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  const token = freshToken();
  const signature = mailgunSignature(timestamp, token, key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    return {
      body: JSON.stringify({ ...parsed, signature: { timestamp, token, signature } }),
      headers: { "content-type": "application/json" },
    };
  }
  if (/^[\w%.\-*+]+=/.test(text)) {
    const form = new URLSearchParams(text);
    form.set("timestamp", timestamp);
    form.set("token", token);
    form.set("signature", signature);
    return { body: form.toString(), headers: { "content-type": FORM } };
  }
  // Not a payload Mailgun could have signed: sent as it is.
  return { body, headers: { "content-type": "application/json" } };
}

const legacyDropped = new URLSearchParams({
  event: "dropped",
  code: "605",
  recipient: "bounce@example.com",
  description: "Not delivering to previously bounced address",
  "Message-Id": "<20160421180324.70521.79375.96884DDB@example.com>",
}).toString();

const inboundParsed = new URLSearchParams({
  recipient: "support@example.com",
  sender: "ana@example.org",
  "message-headers": JSON.stringify([
    ["From", "Ana <ana@example.org>"],
    ["To", "support@example.com"],
    ["Subject", "Help"],
  ]),
  "body-plain": "Please help",
}).toString();

const inboundMime = new URLSearchParams({
  recipient: "support@example.com",
  sender: "ana@example.org",
  "body-mime":
    "From: Ana <ana@example.org>\r\nTo: support@example.com\r\nSubject: Raw\r\n\r\nRaw body\r\n",
}).toString();

describeWebhookConformance({
  name: "Mailgun",
  createProvider: () => mailgunWebhooks({ webhookSigningKey: KEY }),
  sign: (_kind, body) => sign(body),
  signatureCoversBody: false,
  fixtures: [
    {
      title: "a JSON delivered event",
      kind: "tracking",
      body: JSON.stringify({
        "event-data": {
          event: "delivered",
          timestamp: 1534108637.153125,
          recipient: "recipient@example.com",
          tags: ["welcome"],
          "user-variables": { order: "4411" },
          message: { headers: { "message-id": "20180812211713.1.DF5966851B4BAA99@example.org" } },
        },
      }),
      expect: [
        {
          eventType: "delivered",
          recipient: "recipient@example.com",
          messageId: "<20180812211713.1.DF5966851B4BAA99@example.org>",
          tags: ["welcome"],
          metadata: { order: "4411" },
        },
      ],
    },
    {
      title: "a legacy form-encoded dropped event",
      kind: "tracking",
      body: legacyDropped,
      headers: { "content-type": FORM },
      expect: [{ eventType: "rejected", rejectReason: "bounced", recipient: "bounce@example.com" }],
    },
    {
      title: "an inbound route post with parsed fields",
      kind: "inbound",
      body: inboundParsed,
      headers: { "content-type": FORM },
      expect: [{ eventType: "inbound", message: expectedMessage("Help", "Please help") }],
    },
    {
      title: "an inbound route post with body-mime",
      kind: "inbound",
      body: inboundMime,
      headers: { "content-type": FORM },
      expect: [{ eventType: "inbound", message: expectedMessage("Raw", "Raw body\n") }],
    },
  ],
  forgeries: [
    {
      title: "a signature made with another key",
      kind: "tracking",
      request: () =>
        sign(JSON.stringify({ "event-data": { event: "delivered", timestamp: 1 } }), "another key"),
    },
    {
      title: "a signature ten hours old",
      kind: "tracking",
      request: () =>
        sign(
          JSON.stringify({ "event-data": { event: "delivered", timestamp: 1 } }),
          KEY,
          String(Math.floor(Date.now() / 1000) - 10 * 3600),
        ),
    },
    {
      title: "an inbound post signed with another key",
      kind: "inbound",
      request: () => sign(inboundParsed, "another key"),
    },
  ],
  malformed: [
    {
      title: "a JSON webhook without event-data",
      kind: "tracking",
      request: () => sign(JSON.stringify({ hello: "world" })),
    },
    {
      title: "a JSON tracking event posted to the inbound URL",
      kind: "inbound",
      request: () => sign(JSON.stringify({ "event-data": { event: "clicked", timestamp: 1 } })),
    },
  ],
  createHandler: createWebhookHandler,
});

function expectedMessage(subject: string, text: string) {
  return { subject, text, from: "Ana <ana@example.org>", to: ["support@example.com"] } as never;
}
