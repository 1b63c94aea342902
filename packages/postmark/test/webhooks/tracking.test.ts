// Ports django-anymail 15.1 tests/test_postmark_webhooks.py.
import { createWebhookHandler } from "@anymail/webhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { postmarkWebhooks } from "../../src/index.js";
import { recordingHandler } from "./helpers.js";

describe("Postmark webhook security (PostmarkWebhookSecurityTestCase)", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses to build a handler without basic auth", () => {
    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "");
    expect(() =>
      createWebhookHandler({
        providers: [postmarkWebhooks()],
        onTracking: () => {},
        logger: () => {},
      }),
    ).toThrow(/postmark webhooks carry no signature, so basicAuth/);
  });

  it("builds without basic auth only with allowUnauthenticated, warning loudly", async () => {
    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "");
    const warnings: string[] = [];
    const handler = createWebhookHandler({
      providers: [
        postmarkWebhooks({
          allowUnauthenticated: true,
          logger: (record) => warnings.push(record.message),
        }),
      ],
      onTracking: () => {},
      logger: (record) => warnings.push(record.message),
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("INSECURE");
    expect(warnings[1]).toContain("/postmark/tracking");
    const response = await handler.handle(
      new Request("https://app.example/anymail/postmark/tracking", {
        method: "POST",
        body: JSON.stringify({
          RecordType: "Delivery",
          MessageID: "m",
          Recipient: "a@example.com",
        }),
      }),
    );
    expect(response.status).toBe(200);
  });

  it("answers 401 without or with wrong basic auth (WebhookBasicAuthTestCase)", async () => {
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", {}, null)).status).toBe(401);
    expect((await post("tracking", {}, `Basic ${btoa("anymail:wrong")}`)).status).toBe(401);
    expect(tracking).toHaveLength(0);
  });

  it("answers 400 for a body that isn't a JSON object", async () => {
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", "not json")).status).toBe(400);
    expect((await post("tracking", "[1, 2]")).status).toBe(400);
    expect(tracking).toHaveLength(0);
  });
});

describe("Postmark tracking events (PostmarkDeliveryTestCase)", () => {
  it("maps a hard bounce (test_bounce_event)", async () => {
    const raw = {
      RecordType: "Bounce",
      ID: 901542550,
      Type: "HardBounce",
      TypeCode: 1,
      ServerID: 23,
      Name: "Hard bounce",
      MessageID: "2706ee8a-737c-4285-b032-ccd317af53ed",
      Description:
        "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
      Details: "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
      Email: "bounce@example.com",
      From: "sender@example.com",
      BouncedAt: "2016-04-27T16:28:50.3963933-04:00",
      DumpAvailable: true,
      Inactive: true,
      CanActivate: true,
      Subject: "Postmark event test",
      Content: "...",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    expect(tracking).toHaveLength(1);
    const event = tracking[0]!;
    expect(event.eventType).toBe("bounced");
    expect(event.espEvent).toEqual(raw);
    expect(event.timestamp.toISOString()).toBe("2016-04-27T20:28:50.396Z");
    expect(event.messageId).toBe("2706ee8a-737c-4285-b032-ccd317af53ed");
    expect(event.eventId).toBe("901542550");
    expect(event.recipient).toBe("bounce@example.com");
    expect(event.rejectReason).toBe("bounced");
    expect(event.description).toBe(raw.Description);
    expect(event.mtaResponse).toBe(raw.Details);
  });

  it("maps a delivery with tag and metadata (test_delivered_event)", async () => {
    const raw = {
      RecordType: "Delivery",
      ServerId: 23,
      MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
      Recipient: "recipient@example.com",
      Tag: "welcome-email",
      Metadata: { cohort: "2014-08-A", userid: "12345" },
      DeliveredAt: "2014-08-01T13:28:10.2735393-04:00",
      Details: "Test delivery webhook details",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("delivered");
    expect(event.espEvent).toEqual(raw);
    expect(event.timestamp.toISOString()).toBe("2014-08-01T17:28:10.273Z");
    expect(event.messageId).toBe("883953f4-6105-42a2-a16a-77a8eac79483");
    expect(event.recipient).toBe("recipient@example.com");
    expect(event.tags).toEqual(["welcome-email"]);
    expect(event.metadata).toEqual({ cohort: "2014-08-A", userid: "12345" });
  });

  it("maps an open (test_open_event)", async () => {
    const raw = {
      RecordType: "Open",
      FirstOpen: true,
      Client: { Name: "Gmail", Company: "Google", Family: "Gmail" },
      OS: { Name: "unknown", Company: "unknown", Family: "unknown" },
      Platform: "Unknown",
      UserAgent: "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0",
      ReadSeconds: 0,
      Geo: {},
      MessageID: "f4830d10-9c35-4f0c-bca3-3d9b459821f8",
      ReceivedAt: "2016-04-27T16:21:41.2493688-04:00",
      Recipient: "recipient@example.com",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("opened");
    expect(event.timestamp.toISOString()).toBe("2016-04-27T20:21:41.249Z");
    expect(event.messageId).toBe("f4830d10-9c35-4f0c-bca3-3d9b459821f8");
    expect(event.recipient).toBe("recipient@example.com");
    expect(event.userAgent).toBe("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0");
    expect(event.tags).toEqual([]);
    expect(event.metadata).toEqual({});
  });

  it("maps a click (test_click_event)", async () => {
    const raw = {
      RecordType: "Click",
      ClickLocation: "HTML",
      Platform: "Desktop",
      UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc.",
      OriginalLink: "https://example.com/click/me",
      MessageID: "f4830d10-9c35-4f0c-bca3-3d9b459821f8",
      ReceivedAt: "2017-10-25T15:21:11.9065619Z",
      Tag: "welcome-email",
      Recipient: "recipient@example.com",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("clicked");
    expect(event.timestamp.toISOString()).toBe("2017-10-25T15:21:11.906Z");
    expect(event.userAgent).toBe("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc.");
    expect(event.clickUrl).toBe("https://example.com/click/me");
    expect(event.tags).toEqual(["welcome-email"]);
    expect(event.metadata).toEqual({});
  });

  it("maps a spam complaint (test_spam_event)", async () => {
    const raw = {
      RecordType: "SpamComplaint",
      ID: 901542550,
      Type: "SpamComplaint",
      TypeCode: 512,
      Name: "Spam complaint",
      Tag: "Test",
      MessageID: "2706ee8a-737c-4285-b032-ccd317af53ed",
      ServerID: 1234,
      Description: "",
      Details: "Test spam complaint details",
      Email: "spam@example.com",
      From: "sender@example.com",
      BouncedAt: "2016-04-27T16:28:50.3963933-04:00",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("complained");
    expect(event.eventId).toBe("901542550");
    expect(event.recipient).toBe("spam@example.com");
    expect(event.rejectReason).toBe("spam");
    expect(event.description).toBe("");
    expect(event.mtaResponse).toBe("Test spam complaint details");
  });

  it("refuses inbound payloads posted to the tracking URL (test_misconfigured_inbound)", async () => {
    const { post, tracking } = recordingHandler();
    for (const body of [{ FromFull: { Email: "from@example.org" } }, { RecordType: "Inbound" }]) {
      const response = await post("tracking", body);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(
        "You seem to have set Postmark's *inbound* webhook to Anymail's Postmark *tracking* webhook URL.",
      );
    }
    expect(tracking).toHaveLength(0);
  });

  const subscriptionChange = {
    RecordType: "SubscriptionChange",
    MessageID: "a4909a96-73d7-4c49-b148-a54522d3f7ac",
    ServerID: 23,
    MessageStream: "outbound",
    ChangedAt: "2022-06-05T17:17:32Z",
    Recipient: "john@example.com",
    Origin: "Recipient",
    Tag: "welcome-email",
    Metadata: { example: "value", example_2: "value" },
  };

  it("maps a manual suppression to unsubscribed (test_unsubscribe)", async () => {
    const raw = {
      ...subscriptionChange,
      SuppressSending: true,
      SuppressionReason: "ManualSuppression",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("unsubscribed");
    expect(event.timestamp.toISOString()).toBe("2022-06-05T17:17:32.000Z");
    expect(event.messageId).toBe("a4909a96-73d7-4c49-b148-a54522d3f7ac");
    expect(event.recipient).toBe("john@example.com");
    expect(event.rejectReason).toBe("unsubscribed");
  });

  it("maps a reactivation to subscribed (test_resubscribe)", async () => {
    const raw = { ...subscriptionChange, SuppressSending: false, SuppressionReason: null };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("subscribed");
    expect(event.rejectReason).toBeUndefined();
  });

  it("maps a suppression after a hard bounce to bounced (test_subscription_change_bounce)", async () => {
    const raw = {
      ...subscriptionChange,
      MessageID: "b4cb783d-78ed-43f2-983b-63f55c712dc8",
      SuppressSending: true,
      SuppressionReason: "HardBounce",
      Tag: "my-tag",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("bounced");
    expect(event.messageId).toBe("b4cb783d-78ed-43f2-983b-63f55c712dc8");
    expect(event.rejectReason).toBe("bounced");
  });

  it("maps an unsubscribe-type bounce without a timestamp (test_bounce_unsubscribe_variant)", async () => {
    const raw = {
      Description: "Unsubscribe or Remove request.",
      ID: 555555555,
      MessageID: "5555555-5555555-5555-5555555",
      MessageStream: "outbound",
      Name: "Unsubscribe request",
      RecordType: "Bounce",
      ServerID: 111111111,
      Tag: "",
      Type: "Unsubscribe",
      TypeCode: 16,
    };
    const before = Date.now();
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    const event = tracking[0]!;
    expect(event.eventType).toBe("unsubscribed");
    expect(event.messageId).toBe("5555555-5555555-5555-5555555");
    expect(event.tags).toEqual([]);
    // No time in the payload: the time it was received.
    expect(event.timestamp.getTime()).toBeGreaterThanOrEqual(before);
  });

  it("maps every bounce Type as anymail does", async () => {
    const cases: [string, string, string | undefined][] = [
      ["Transient", "deferred", undefined],
      ["SoftBounce", "bounced", "bounced"],
      ["VirusNotification", "bounced", "other"],
      ["BadEmailAddress", "rejected", "invalid"],
      ["ManuallyDeactivated", "rejected", "blocked"],
      ["Blocked", "rejected", "blocked"],
      ["DMARCPolicy", "rejected", "blocked"],
      ["AutoResponder", "autoresponded", undefined],
      ["SMTPApiError", "failed", undefined],
      ["TemplateRenderingFailed", "failed", undefined],
      ["InboundError", "inbound_failed", undefined],
      ["Unknown", "unknown", undefined],
      ["SomethingNew", "bounced", undefined],
    ];
    const { post, tracking } = recordingHandler();
    for (const [type, eventType, rejectReason] of cases) {
      await post("tracking", { RecordType: "Bounce", Type: type, ID: type, MessageID: "m" });
      const event = tracking.at(-1)!;
      expect([type, event.eventType, event.rejectReason]).toEqual([type, eventType, rejectReason]);
    }
  });

  it("maps an unknown RecordType to unknown rather than failing", async () => {
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", { RecordType: "Teleport", MessageID: "m" })).status).toBe(200);
    expect(tracking[0]!.eventType).toBe("unknown");
  });

  it("acknowledges a redelivered event without calling the handler again", async () => {
    const raw = {
      RecordType: "Delivery",
      MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
      Recipient: "recipient@example.com",
      DeliveredAt: "2014-08-01T13:28:10.2735393-04:00",
    };
    const { post, tracking } = recordingHandler();
    expect((await post("tracking", raw)).status).toBe(200);
    expect((await post("tracking", raw)).status).toBe(200);
    expect(tracking).toHaveLength(1);
    // Another recipient of the same message is another event.
    expect((await post("tracking", { ...raw, Recipient: "other@example.com" })).status).toBe(200);
    expect(tracking).toHaveLength(2);
  });
});
