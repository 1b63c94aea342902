import { describeWebhookConformance } from "@anymail/core/conformance";
import { createWebhookHandler } from "@anymail/webhooks";
import { postmarkWebhooks } from "../../src/index.js";

// Postmark signs nothing: the suite's HTTP half runs with basic auth, which the handler
// checks; redeliveries are recognised by the record itself (Postmark sends no delivery id).
describeWebhookConformance({
  name: "Postmark",
  createProvider: () => postmarkWebhooks(),
  sign: () => ({ "content-type": "application/json" }),
  signatureCoversBody: false,
  createHandler: createWebhookHandler,
  fixtures: [
    {
      title: "a Delivery record",
      kind: "tracking",
      body: JSON.stringify({
        RecordType: "Delivery",
        MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
        Recipient: "recipient@example.com",
        Tag: "welcome-email",
        Metadata: { cohort: "2014-08-A" },
        DeliveredAt: "2014-08-01T13:28:10.2735393-04:00",
        Details: "Test delivery webhook details",
      }),
      expect: [
        {
          eventType: "delivered",
          messageId: "883953f4-6105-42a2-a16a-77a8eac79483",
          recipient: "recipient@example.com",
          tags: ["welcome-email"],
          metadata: { cohort: "2014-08-A" },
        },
      ],
    },
    {
      title: "a HardBounce record",
      kind: "tracking",
      body: JSON.stringify({
        RecordType: "Bounce",
        ID: 901542550,
        Type: "HardBounce",
        MessageID: "2706ee8a-737c-4285-b032-ccd317af53ed",
        Email: "bounce@example.com",
        BouncedAt: "2016-04-27T16:28:50.3963933-04:00",
      }),
      expect: [
        {
          eventType: "bounced",
          rejectReason: "bounced",
          eventId: "901542550",
          recipient: "bounce@example.com",
        },
      ],
    },
    {
      title: "an inbound message (JSON fields)",
      kind: "inbound",
      body: JSON.stringify({
        FromFull: { Email: "from@example.org", Name: "From", MailboxHash: "" },
        ToFull: [{ Email: "in@example.com", Name: "", MailboxHash: "" }],
        Subject: "Hello",
        MessageID: "22c74902-a0c1-4511-804f2-341342852c90",
        TextBody: "Hi",
        Headers: [{ Name: "Return-Path", Value: "<from@example.org>" }],
      }),
      expect: [{ eventType: "inbound", eventId: "22c74902-a0c1-4511-804f2-341342852c90" }],
    },
  ],
  malformed: [
    {
      title: "an inbound record posted to the tracking URL",
      kind: "tracking",
      request: () => ({
        body: JSON.stringify({ FromFull: { Email: "a@example.org" } }),
        headers: { "content-type": "application/json" },
      }),
    },
    {
      title: "a tracking record posted to the inbound URL",
      kind: "inbound",
      request: () => ({
        body: JSON.stringify({ RecordType: "Delivery" }),
        headers: { "content-type": "application/json" },
      }),
    },
  ],
});
