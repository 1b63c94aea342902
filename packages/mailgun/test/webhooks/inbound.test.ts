// Ports of django-anymail 15.1 tests/test_mailgun_inbound.py: route forward() posts,
// multipart as Mailgun sends them, through a real @anymail/webhooks handler.
import { describe, expect, it } from "vitest";
import { harness, OLD_FIXTURES, signJson, signLegacy } from "./helpers.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);
const EMAIL = "From: a@example.com\r\nTo: b@example.com\r\nSubject: forwarded\r\n\r\nHello\r\n";

describe("Mailgun inbound (MailgunInboundTestCase)", () => {
  it("maps parsed fields (test_inbound_basics)", async () => {
    const h = harness(OLD_FIXTURES);
    const fields = signLegacy({
      token: "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0",
      timestamp: "1461261330",
      recipient: "test@inbound.example.com",
      sender: "envelope-from@example.org",
      "message-headers": JSON.stringify([
        ["X-Mailgun-Spam-Rules", "DKIM_SIGNED, DKIM_VALID, DKIM_VALID_AU, ..."],
        ["X-Mailgun-Sscore", "1.7"],
        ["X-Mailgun-Sflag", "No"],
        ["Received", "from mail.example.org by mxa.mailgun.org ..."],
        ["Received", "by mail.example.org for <test@inbound.example.com> ..."],
        ["Mime-Version", "1.0"],
        ["Received", "by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)"],
        ["From", '"Displayed From" <from+test@example.org>'],
        ["Date", "Wed, 11 Oct 2017 18:31:04 -0700"],
        ["Message-Id", "<CAEPk3R+4Zr@mail.example.org>"],
        ["Subject", "Test subject"],
        ["To", '"Test Inbound" <test@inbound.example.com>, other@example.com'],
        ["Cc", "cc@example.com"],
      ]),
      "body-plain": "Test body plain",
      "body-html": "<div>Test body html</div>",
      "stripped-html": "stripped html body",
      "stripped-text": "stripped plaintext body",
    });
    const res = await h.postForm("inbound", fields);
    expect(res.status).toBe(200);
    expect(h.inbound).toHaveLength(1);
    const event = h.inbound[0]!;
    expect(event.eventType).toBe("inbound");
    expect(event.timestamp.toISOString()).toBe("2016-04-21T17:55:30.000Z");
    expect(event.eventId).toBe("06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0");
    expect(event.espEvent).toEqual(fields);
    const m = event.message;
    expect(m.from).toBe('"Displayed From" <from+test@example.org>');
    expect(m.fromAddress?.displayName).toBe("Displayed From");
    expect(m.fromAddress?.addrSpec).toBe("from+test@example.org");
    expect(m.getHeader("message-id")).toBe("<CAEPk3R+4Zr@mail.example.org>");
    expect(m.to).toEqual(["Test Inbound <test@inbound.example.com>", "other@example.com"]);
    expect(m.cc).toEqual(["cc@example.com"]);
    expect(m.subject).toBe("Test subject");
    expect(m.date?.toISOString()).toBe("2017-10-12T01:31:04.000Z");
    expect(m.text).toBe("Test body plain");
    expect(m.html).toBe("<div>Test body html</div>");
    expect(m.envelopeSender).toBe("envelope-from@example.org");
    expect(m.envelopeRecipient).toBe("test@inbound.example.com");
    expect(m.spamDetected).toBe(false);
    expect(m.spamScore).toBe(1.7);
    expect(m.headers.find((x) => x.name === "Message-Id")?.value).toBe(
      "<CAEPk3R+4Zr@mail.example.org>",
    );
    expect(m.headers.filter((x) => x.name === "Received").map((x) => x.value)).toEqual([
      "from mail.example.org by mxa.mailgun.org ...",
      "by mail.example.org for <test@inbound.example.com> ...",
      "by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)",
    ]);
  });

  it("reads attachment-N files and content-id-map (test_attachments)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm(
      "inbound",
      signLegacy({
        "message-headers": "[]",
        "attachment-count": "3",
        "content-id-map": '{"<abc123>": "attachment-2"}',
        "attachment-1": new File(["test attachment"], "test.txt", { type: "text/plain" }),
        "attachment-2": new File([PNG], "image.png", { type: "image/png" }),
        "attachment-3": new File([EMAIL], "\\share\\mail\\forwarded.msg", {
          type: 'message/rfc822; charset="us-ascii"',
        }),
      }),
    );
    expect(res.status).toBe(200);
    const attachments = h.inbound[0]!.message.attachments;
    expect(h.inbound[0]!.message.contentIdMap.abc123?.filename).toBe("image.png");
    expect(attachments.map((a) => [a.filename, a.contentType, a.inline, a.contentId])).toEqual([
      ["test.txt", "text/plain", false, undefined],
      ["image.png", "image/png", true, "abc123"],
      ["forwarded.msg", 'message/rfc822; charset="us-ascii"', false, undefined],
    ]);
    expect(new TextDecoder().decode(attachments[0]!.content)).toBe("test attachment");
    expect(attachments[1]!.content).toEqual(PNG);
    expect(new TextDecoder().decode(attachments[2]!.content)).toBe(EMAIL);
  });

  it("skips missing attachment files without failing (test_filtered_attachment_filenames)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm(
      "inbound",
      signLegacy({
        "message-headers": "[]",
        "attachment-count": "3",
        "attachment-1": new File(["content"], "..", { type: "text/pdf" }),
        "attachment-3": new File(["content"], "path/", { type: "text/pdf" }),
      }),
    );
    expect(res.status).toBe(200);
    const attachments = h.inbound[0]!.message.attachments;
    expect(attachments).toHaveLength(2);
    expect(attachments.every((a) => a.filename === undefined)).toBe(true);
  });

  it("keeps repeated content-id-map keys (test_unusual_content_id_map)", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "inbound",
      signLegacy({
        "message-headers": "[]",
        "attachment-count": "4",
        "content-id-map":
          '{"": "attachment-1", "": "attachment-2", "<abc>": "attachment-3", "<abc>": "attachment-4"}',
        "attachment-1": new File(["att1"], "att1.txt"),
        "attachment-2": new File(["att2"], "att2.txt"),
        "attachment-3": new File(["att3"], "att3.txt"),
        "attachment-4": new File(["att4"], "att4.txt"),
      }),
    );
    const attachments = h.inbound[0]!.message.attachments;
    expect(attachments.map((a) => [a.inline, a.contentId])).toEqual([
      [true, undefined],
      [true, undefined],
      [true, "abc"],
      [true, "abc"],
    ]);
  });

  it("parses body-mime routes (test_inbound_mime)", async () => {
    const h = harness(OLD_FIXTURES);
    const mime = [
      "From: A tester <test@example.org>",
      "Date: Thu, 12 Oct 2017 18:03:30 -0700",
      "Message-ID: <CAEPk3RKEx@mail.example.org>",
      "Subject: Raw MIME test",
      "To: test@inbound.example.com",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="94eb2c05e174adb140055b6339c5"',
      "",
      "--94eb2c05e174adb140055b6339c5",
      'Content-Type: text/plain; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "It's a body=E2=80=A6",
      "--94eb2c05e174adb140055b6339c5",
      'Content-Type: text/html; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      '<div dir=3D"ltr">It\'s a body=E2=80=A6</div>',
      "--94eb2c05e174adb140055b6339c5--",
      "",
    ].join("\n");
    const res = await h.postForm(
      "inbound",
      signLegacy({
        token: "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0",
        timestamp: "1461261330",
        recipient: "test@inbound.example.com",
        sender: "envelope-from@example.org",
        "body-mime": mime,
      }),
    );
    expect(res.status).toBe(200);
    const m = h.inbound[0]!.message;
    expect(m.envelopeSender).toBe("envelope-from@example.org");
    expect(m.envelopeRecipient).toBe("test@inbound.example.com");
    expect(m.subject).toBe("Raw MIME test");
    expect(m.from).toBe("A tester <test@example.org>");
    expect(m.text).toBe("It's a body\u2026\n");
    expect(m.html).toBe('<div dir="ltr">It\'s a body\u2026</div>\n');
    expect(m.raw).toBeInstanceOf(Uint8Array);
  });

  it("answers 400 to a tracking webhook posted to the inbound URL (test_misconfigured_tracking)", async () => {
    const h = harness();
    const res = await h.postJson(
      "inbound",
      signJson({ "event-data": { event: "clicked", timestamp: 1534109600.089676 } }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("*clicked tracking* webhook");
  });

  it("answers 400 to a store() notification (test_misconfigured_store_action)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm(
      "inbound",
      signLegacy({
        timestamp: "1461261330",
        recipient: "test@inbound.example.com",
        sender: "envelope-from@example.org",
        "message-headers": "[]",
        attachments: "[]",
      }),
    );
    expect(res.status).toBe(400);
    expect(h.inbound).toHaveLength(0);
  });

  it("answers 400 to a legacy tracking event posted to the inbound URL (test_misconfigured_tracking_legacy)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm(
      "inbound",
      signLegacy({ event: "delivered", recipient: "r@example.com" }),
    );
    expect(res.status).toBe(400);
  });

  it("detects spam flags", async () => {
    const h = harness(OLD_FIXTURES);
    await h.postForm(
      "inbound",
      signLegacy({
        "message-headers": JSON.stringify([
          ["X-Mailgun-Sflag", "Yes"],
          ["X-Mailgun-Sscore", "22.5"],
        ]),
      }),
    );
    expect(h.inbound[0]!.message.spamDetected).toBe(true);
    expect(h.inbound[0]!.message.spamScore).toBe(22.5);
  });

  it("refuses an unsigned inbound post (401)", async () => {
    const h = harness(OLD_FIXTURES);
    const res = await h.postForm("inbound", {
      timestamp: "1461261330",
      token: "t",
      signature: "0".repeat(64),
      "message-headers": "[]",
    });
    expect(res.status).toBe(401);
  });
});
