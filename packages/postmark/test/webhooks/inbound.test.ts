// Ports django-anymail 15.1 tests/test_postmark_inbound.py.
import { describe, expect, it } from "vitest";
import { recordingHandler } from "./helpers.js";

const b64 = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes).toString(
    "base64",
  );
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const header = (headers: { name: string; value: string }[], name: string) =>
  headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);

const RECEIVED = [
  "from mail.example.org by inbound.postmarkapp.com ...",
  "by mail.example.org for <test@inbound.example.com> ...",
  "by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)",
];

describe("Postmark inbound (PostmarkInboundTestCase)", () => {
  it("builds the message from the JSON fields (test_inbound_basics)", async () => {
    const raw = {
      FromFull: { Email: "from+test@example.org", Name: "Displayed From", MailboxHash: "test" },
      ToFull: [
        { Email: "test@inbound.example.com", Name: "Test Inbound", MailboxHash: "" },
        { Email: "other@example.com", Name: "", MailboxHash: "" },
      ],
      CcFull: [{ Email: "cc@example.com", Name: "", MailboxHash: "" }],
      BccFull: [{ Email: "test@inbound.example.com", Name: "", MailboxHash: "" }],
      OriginalRecipient: "test@inbound.example.com",
      ReplyTo: "from+test@milter.example.org",
      Subject: "Test subject",
      MessageID: "22c74902-a0c1-4511-804f2-341342852c90",
      Date: "Wed, 11 Oct 2017 18:31:04 -0700",
      TextBody: "Test body plain",
      HtmlBody: "<div>Test body html</div>",
      StrippedTextReply: "stripped plaintext body",
      Tag: "",
      Headers: [
        { Name: "Return-Path", Value: "<envelope-from@example.org>" },
        { Name: "Received", Value: RECEIVED[0] },
        {
          Name: "X-Spam-Checker-Version",
          Value: "SpamAssassin 3.4.0 (2014-02-07) on p-pm-smtp-inbound01b-aws-useast2b",
        },
        { Name: "X-Spam-Status", Value: "No" },
        { Name: "X-Spam-Score", Value: "1.7" },
        { Name: "X-Spam-Tests", Value: "SPF_PASS" },
        { Name: "Received", Value: RECEIVED[1] },
        { Name: "Received", Value: RECEIVED[2] },
        { Name: "Return-Path", Value: "<fake-return-path@postmark-should-have-removed>" },
        { Name: "MIME-Version", Value: "1.0" },
        { Name: "Message-ID", Value: "<CAEPk3R+4Zr@mail.example.org>" },
      ],
    };
    const before = Date.now();
    const { post, inbound } = recordingHandler();
    expect((await post("inbound", raw)).status).toBe(200);
    expect(inbound).toHaveLength(1);
    const event = inbound[0]!;
    expect(event.eventType).toBe("inbound");
    // Postmark gives no inbound timestamp: the time it arrived.
    expect(event.timestamp.getTime()).toBeGreaterThanOrEqual(before);
    expect(event.eventId).toBe("22c74902-a0c1-4511-804f2-341342852c90");
    expect(event.espEvent).toEqual(raw);

    const message = event.message;
    expect(message.from).toBe("Displayed From <from+test@example.org>");
    expect(message.fromAddress?.addrSpec).toBe("from+test@example.org");
    expect(message.fromAddress?.displayName).toBe("Displayed From");
    expect(message.to).toEqual(["Test Inbound <test@inbound.example.com>", "other@example.com"]);
    expect(message.cc).toEqual(["cc@example.com"]);
    expect(message.bcc).toEqual(["test@inbound.example.com"]);
    expect(message.subject).toBe("Test subject");
    expect(message.date?.toISOString()).toBe("2017-10-12T01:31:04.000Z");
    expect(message.text).toBe("Test body plain");
    expect(message.html).toBe("<div>Test body html</div>");
    expect(message.envelopeSender).toBe("envelope-from@example.org");
    expect(message.envelopeRecipient).toBe("test@inbound.example.com");
    expect(message.spamDetected).toBe(false);
    expect(message.spamScore).toBe(1.7);
    expect(header(message.headers, "Message-ID")).toEqual(["<CAEPk3R+4Zr@mail.example.org>"]);
    expect(message.getHeader("Reply-To")).toBe("from+test@milter.example.org");
    expect(message.replyTo).toEqual(["from+test@milter.example.org"]);
    expect(message.getAll("Received")).toEqual(RECEIVED);
    // Only Postmark's own (first) Return-Path is the envelope sender; it isn't a header.
    expect(header(message.headers, "Return-Path")).toEqual([
      "<fake-return-path@postmark-should-have-removed>",
    ]);
    expect(message.raw).toBeUndefined();
  });

  it("decodes attachments, inline ones by Content-ID (test_attachments)", async () => {
    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);
    const email = "From: a@example.com\nSubject: bounced\n\nbody\n";
    const raw = {
      Attachments: [
        {
          Name: "test.txt",
          Content: b64("test attachment"),
          ContentType: "text/plain",
          ContentLength: 15,
        },
        {
          Name: "image.png",
          Content: b64(image),
          ContentType: "image/png",
          ContentID: "abc123",
          ContentLength: image.length,
        },
        {
          Name: "bounce.txt",
          Content: b64(email),
          ContentType: 'message/rfc822; charset="us-ascii"',
          ContentLength: email.length,
        },
      ],
    };
    const { post, inbound } = recordingHandler();
    expect((await post("inbound", raw)).status).toBe(200);
    const attachments = inbound[0]!.message.attachments;
    const regular = attachments.filter((a) => !a.inline);
    expect(regular).toHaveLength(2);
    expect(regular[0]).toMatchObject({ filename: "test.txt", contentType: "text/plain" });
    expect(text(regular[0]!.content)).toBe("test attachment");
    expect(regular[1]!.contentType).toBe('message/rfc822; charset="us-ascii"');
    expect(text(regular[1]!.content)).toBe(email);

    const inline = inbound[0]!.message.inlines;
    expect(inline).toHaveLength(1);
    expect(inbound[0]!.message.contentIdMap.abc123?.filename).toBe("image.png");
    expect(inline[0]).toMatchObject({
      contentId: "abc123",
      filename: "image.png",
      contentType: "image/png",
    });
    expect(inline[0]!.content).toEqual(image);
  });

  it("prefers RawEmail, adding Postmark's Bcc and envelope (test_inbound_with_raw_email)", async () => {
    const rawEmail = [
      "Received: from mail.example.org by inbound.postmarkapp.com ...",
      "X-Spam-Checker-Version: SpamAssassin 3.4.0 (2014-02-07)",
      "\ton p-pm-smtp-inbound01b-aws-useast2b",
      "X-Spam-Status: No",
      "X-Spam-Score: 1.7",
      "X-Spam-Tests: SPF_PASS",
      "Received: by mail.example.org for <test@inbound.example.com> ...",
      "Received: by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)",
      "MIME-Version: 1.0",
      "Message-ID: <CAEPk3R+4Zr@mail.example.org>",
      "Return-Path: <fake-return-path@postmark-should-have-removed>",
      'From: "Displayed From" <from+test@example.org>',
      "To: Test Inbound <test@inbound.example.com>, other@example.com",
      "Cc: cc@example.com",
      "Reply-To: from+test@milter.example.org",
      "Subject: Test subject",
      "Date: Wed, 11 Oct 2017 18:31:04 -0700",
      'Content-Type: multipart/alternative; boundary="BoUnDaRy1"',
      "",
      "--BoUnDaRy1",
      'Content-Type: text/plain; charset="utf-8"',
      "Content-Transfer-Encoding: 7bit",
      "",
      "Test body plain",
      "--BoUnDaRy1",
      'Content-Type: multipart/related; boundary="bOuNdArY2"',
      "",
      "--bOuNdArY2",
      'Content-Type: text/html; charset="utf-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "<div>Test body html</div>",
      "--bOuNdArY2",
      "Content-Type: text/plain",
      "Content-Transfer-Encoding: quoted-printable",
      'Content-Disposition: attachment; filename="attachment.txt"',
      "",
      "This is an attachment",
      "--bOuNdArY2--",
      "",
      "--BoUnDaRy1--",
      "",
    ].join("\n");
    const raw = {
      RawEmail: rawEmail,
      BccFull: [{ Email: "test@inbound.example.com", Name: "", MailboxHash: "" }],
      OriginalRecipient: "test@inbound.example.com",
      MessageID: "22c74902-a0c1-4511-804f2-341342852c90",
      StrippedTextReply: "stripped plaintext body",
      Tag: "",
      Headers: [
        { Name: "Return-Path", Value: "<envelope-from@example.org>" },
        { Name: "X-No-Duplicates", Value: "headers only from RawEmail" },
      ],
      Attachments: [
        {
          Name: "no-duplicates.txt",
          Content: b64("fake attachment"),
          ContentType: "text/plain",
          ContentLength: 15,
        },
      ],
    };
    const { post, inbound } = recordingHandler();
    expect((await post("inbound", raw)).status).toBe(200);
    const event = inbound[0]!;
    expect(event.eventId).toBe("22c74902-a0c1-4511-804f2-341342852c90");
    const message = event.message;
    // The From header as sent; fromAddress parses it.
    expect(message.from).toBe('"Displayed From" <from+test@example.org>');
    expect(message.fromAddress?.addrSpec).toBe("from+test@example.org");
    expect(message.fromAddress?.displayName).toBe("Displayed From");
    expect(message.to).toEqual(["Test Inbound <test@inbound.example.com>", "other@example.com"]);
    expect(message.cc).toEqual(["cc@example.com"]);
    expect(message.bcc).toEqual(["test@inbound.example.com"]);
    expect(message.subject).toBe("Test subject");
    expect(message.date?.toISOString()).toBe("2017-10-12T01:31:04.000Z");
    expect(message.text).toBe("Test body plain");
    expect(message.html).toBe("<div>Test body html</div>");
    expect(message.envelopeSender).toBe("envelope-from@example.org");
    expect(message.envelopeRecipient).toBe("test@inbound.example.com");
    expect(message.spamDetected).toBe(false);
    expect(message.spamScore).toBe(1.7);
    expect(header(message.headers, "Message-ID")).toEqual(["<CAEPk3R+4Zr@mail.example.org>"]);
    expect(message.getHeader("Reply-To")).toBe("from+test@milter.example.org");
    expect(message.replyTo).toEqual(["from+test@milter.example.org"]);
    expect(message.getAll("Received")).toEqual(RECEIVED);
    // Attachments and headers come from RawEmail only, not also from the JSON fields.
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: "attachment.txt",
      contentType: "text/plain",
    });
    expect(text(message.attachments[0]!.content).trim()).toBe("This is an attachment");
    expect(header(message.headers, "X-No-Duplicates")).toEqual([]);
    expect(text(message.raw!)).toBe(rawEmail);
  });

  it("refuses tracking payloads posted to the inbound URL (test_misconfigured_tracking)", async () => {
    const { post, inbound } = recordingHandler();
    const response = await post("inbound", { RecordType: "Delivery" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      "You seem to have set Postmark's *Delivery* webhook to Anymail's Postmark *inbound* webhook URL.",
    );
    expect(inbound).toHaveLength(0);
  });

  it("handles the dashboard's Check payload, whose attachments use Data (test_check_payload)", async () => {
    // Postmark's "Check" button posts attachments with `Data` instead of `Content`.
    const raw = {
      FromName: "Postmarkapp Support",
      From: "support@postmarkapp.com",
      FromFull: { Email: "support@postmarkapp.com", Name: "Postmarkapp Support", MailboxHash: "" },
      To: '"Firstname Lastname" <yourhash+SampleHash@inbound.postmarkapp.com>',
      ToFull: [
        {
          Email: "yourhash+SampleHash@inbound.postmarkapp.com",
          Name: "Firstname Lastname",
          MailboxHash: "SampleHash",
        },
      ],
      Cc: "",
      CcFull: [],
      Bcc: "",
      BccFull: [],
      OriginalRecipient: "yourhash+SampleHash@inbound.postmarkapp.com",
      Subject: "Test subject",
      MessageID: "73e6d360-66eb-11e1-8e72-a8904824019b",
      ReplyTo: "replyto@postmarkapp.com",
      MailboxHash: "SampleHash",
      Date: "Fri, 1 Aug 2014 16:45:32 -04:00",
      TextBody: "This is a test text body.",
      HtmlBody: "<html><body><p>This is a test html body.</p></body></html>",
      StrippedTextReply: "This is the reply text",
      Tag: "TestTag",
      Headers: [
        { Name: "X-Header-Test", Value: "" },
        { Name: "X-Spam-Status", Value: "No" },
      ],
      Attachments: [
        {
          Name: "test.txt",
          Data: b64("This is attachment contents."),
          ContentType: "text/plain",
          ContentLength: 45,
        },
      ],
    };
    const { post, inbound } = recordingHandler();
    expect((await post("inbound", raw)).status).toBe(200);
    const message = inbound[0]!.message;
    expect(text(message.attachments[0]!.content)).toBe("This is attachment contents.");
    expect(message.to).toEqual([
      "Firstname Lastname <yourhash+SampleHash@inbound.postmarkapp.com>",
    ]);
  });

  it("keeps a long display name full of punctuation (test_spammy_address)", async () => {
    const name =
      "* * * 💲 Snag Your Free Gift! Click Here: https://spam.example.com/uploads/phish.php?123456 💲 * * *";
    const { post, inbound } = recordingHandler();
    const response = await post("inbound", {
      MessageStream: "inbound",
      FromFull: { Email: "noreply@spam.example.com", Name: name },
    });
    expect(response.status).toBe(200);
    const from = inbound[0]!.message.from;
    expect(from).toBe(`"${name}" <noreply@spam.example.com>`);
  });

  it("answers 400 for attachments that aren't base64", async () => {
    const { post, inbound } = recordingHandler();
    const response = await post("inbound", {
      FromFull: { Email: "a@example.com" },
      Attachments: [{ Name: "x.txt", Content: "%%% not base64 %%%", ContentType: "text/plain" }],
    });
    expect(response.status).toBe(400);
    expect(inbound).toHaveLength(0);
  });

  it("flags spam from X-Spam-Status", async () => {
    const { post, inbound } = recordingHandler();
    await post("inbound", {
      FromFull: { Email: "a@example.com" },
      Headers: [
        { Name: "X-Spam-Status", Value: "Yes" },
        { Name: "X-Spam-Score", Value: "9.1" },
      ],
    });
    expect(inbound[0]!.message.spamDetected).toBe(true);
    expect(inbound[0]!.message.spamScore).toBe(9.1);
  });
});
