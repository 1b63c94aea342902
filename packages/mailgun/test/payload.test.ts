// Ports of django-anymail 15.1 tests/test_mailgun_backend.py, sent through a real mailer to
// a local HTTP server and read back with the Web platform's multipart parser.
import { AnymailAPIError, inlineImage, isAnymailError } from "@anymail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import { baseMessage, sendCaptured, sendExpectingError } from "./support/send.js";

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe("standard email features (MailgunBackendStandardEmailTests)", () => {
  it("sends a simple message with basic auth api:<key> (test_send_mail)", async () => {
    const { sent } = await sendCaptured(server, {
      from: "from@example.com",
      to: "to@example.com",
      subject: "Subject here",
      text: "Here is the message.",
    });
    expect(sent.request.method).toBe("POST");
    expect(sent.request.path).toBe("/v3/example.com/messages");
    expect(sent.request.headers.authorization).toBe(
      `Basic ${Buffer.from("api:test_api_key").toString("base64")}`,
    );
    expect(String(sent.request.headers["content-type"])).toMatch(
      /^multipart\/form-data; boundary=/,
    );
    expect(sent.field("subject")).toBe("Subject here");
    expect(sent.field("text")).toBe("Here is the message.");
    expect(sent.all("from")).toEqual(["from@example.com"]);
    expect(sent.all("to")).toEqual(["to@example.com"]);
  });

  it("keeps display names on every address (test_name_addr)", async () => {
    const { sent } = await sendCaptured(server, {
      from: "From Name <from@example.com>",
      to: ["Recipient #1 <to1@example.com>", "to2@example.com"],
      cc: ["Carbon Copy <cc1@example.com>", "cc2@example.com"],
      bcc: ["Blind Copy <bcc1@example.com>", "bcc2@example.com"],
      subject: "Subject",
      text: "Message",
    });
    expect(sent.all("from")).toEqual(["From Name <from@example.com>"]);
    expect(sent.all("to")).toEqual(["Recipient #1 <to1@example.com>", "to2@example.com"]);
    expect(sent.all("cc")).toEqual(["Carbon Copy <cc1@example.com>", "cc2@example.com"]);
    expect(sent.all("bcc")).toEqual(["Blind Copy <bcc1@example.com>", "bcc2@example.com"]);
  });

  it("maps headers to title-cased h: fields and is not a batch (test_email_message)", async () => {
    const { sent } = await sendCaptured(server, {
      from: "from@example.com",
      to: ["to1@example.com", "Also To <to2@example.com>"],
      bcc: ["bcc1@example.com", "Also BCC <bcc2@example.com>"],
      cc: ["cc1@example.com", "Also CC <cc2@example.com>"],
      subject: "Subject",
      text: "Body goes here",
      replyTo: "another@example.com",
      headers: { "x-my-header": "my value", "Message-ID": "mycustommsgid@example.com" },
    });
    expect(sent.field("h:Reply-To")).toBe("another@example.com");
    expect(sent.field("h:X-My-Header")).toBe("my value");
    expect(sent.field("h:Message-Id")).toBe("mycustommsgid@example.com");
    expect(sent.all("to")).toEqual(["to1@example.com", "Also To <to2@example.com>"]);
    expect(sent.names()).not.toContain("recipient-variables");
  });

  it("sends text and html without a file part (test_html_message)", async () => {
    const html = "<p>This is an <strong>important</strong> message.</p>";
    const { sent } = await sendCaptured(server, { ...baseMessage, text: "Important.", html });
    expect(sent.field("text")).toBe("Important.");
    expect(sent.field("html")).toBe(html);
    expect(sent.files("attachment")).toEqual([]);
  });

  it("sends html only (test_html_only_message)", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      text: undefined,
      html: "<p>x</p>",
    });
    expect(sent.names()).not.toContain("text");
    expect(sent.field("html")).toBe("<p>x</p>");
  });

  it("joins reply-to addresses and keeps other headers (test_reply_to)", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      replyTo: ["reply@example.com", "Other <reply2@example.com>"],
      headers: { "X-Other": "Keep" },
    });
    expect(sent.field("h:Reply-To")).toBe("reply@example.com, Other <reply2@example.com>");
    expect(sent.field("h:X-Other")).toBe("Keep");
  });

  it("passes non-ASCII names and IDNA-encodes domains (test_non_ascii_headers)", async () => {
    // anymail sends these; our default refuses the comma + non-ASCII names (quirk), so the
    // port switches that check off.
    const { sent } = await sendCaptured(
      server,
      {
        from: '"Odesílatel, z adresy" <from@příklad.example.cz>',
        to: '"Příjemce, na adresu" <to-тест@příklad.example.cz>',
        subject: "Předmět e-mailu",
        replyTo: '"Odpověď, adresa" <reply-тест@příklad.example.cz>',
        headers: { "X-Extra": "Další" },
        text: "Prostý text",
      },
      { checkDisplayNames: false },
    );
    expect(sent.request.path).toBe("/v3/xn--pklad-zsa96e.example.cz/messages");
    expect(sent.all("from")).toEqual(['"Odesílatel, z adresy" <from@xn--pklad-zsa96e.example.cz>']);
    expect(sent.all("to")).toEqual(['"Příjemce, na adresu" <to-тест@xn--pklad-zsa96e.example.cz>']);
    expect(sent.field("subject")).toBe("Předmět e-mailu");
    expect(sent.field("h:Reply-To")).toBe(
      '"Odpověď, adresa" <reply-тест@xn--pklad-zsa96e.example.cz>',
    );
    expect(sent.field("h:X-Extra")).toBe("Další");
  });

  it("refuses non-ASCII display names with punctuation by default (docs quirk, #270)", async () => {
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      to: '"Příjemce (na adresu)" <to@example.cz>',
    });
    expect(isAnymailError(error, "unsupported_feature")).toBe(true);
    expect((error as Error).message).toBe(
      'Mailgun does not support non-ASCII display names with punctuation ("Příjemce (na adresu)")',
    );
    expect(requests).toBe(0);
    // Non-ASCII alone, or punctuation alone, is fine.
    await sendCaptured(server, {
      ...baseMessage,
      to: ["Příjemce <a@example.cz>", '"Doe, J." <b@example.com>'],
    });
  });

  it("refuses an EAI from address (test_eai_from_email_unsupported)", async () => {
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      from: "тест@example.com",
    });
    expect((error as Error).message).toBe("Mailgun does not support EAI in from");
    expect(requests).toBe(0);
  });

  it("sends attachments and inline images as file parts (test_attachments)", async () => {
    const latin1 = Buffer.from("pièce jointe\n", "latin1");
    const { attachment: image, cid } = inlineImage(PNG, { filename: "test.png" });
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      html: `<img src="cid:${cid}">`,
      attachments: [
        { content: latin1, contentType: 'text/plain; charset="iso-8859-1"' },
        {
          filename: "émoticône.img",
          content: new TextEncoder().encode(";-)"),
          contentType: "image/x-emoticon",
        },
        image,
      ],
    });
    const attachments = sent.files("attachment");
    expect(attachments).toHaveLength(2);
    // A missing filename defaults to "attachment" (Mailgun drops unnamed parts).
    expect(attachments[0]!.filename).toBe("attachment");
    expect(attachments[0]!.type).toBe('text/plain; charset="iso-8859-1"');
    expect(attachments[0]!.content.equals(latin1)).toBe(true);
    expect(attachments[1]).toEqual({
      filename: "émoticône.img",
      type: "image/x-emoticon",
      content: Buffer.from(";-)"),
    });
    const inlines = sent.files("inline");
    expect(inlines).toHaveLength(1);
    expect(inlines[0]!.filename).toBe(cid);
    expect(inlines[0]!.type).toBe("image/png");
    expect(inlines[0]!.content.equals(Buffer.from(PNG))).toBe(true);
    // RFC 7578: the UTF-8 filename as is, no RFC 2231 encoding.
    const raw = sent.request.body;
    expect(raw.includes(Buffer.from('Content-Type: text/plain; charset="iso-8859-1"'))).toBe(true);
    expect(raw.includes(Buffer.from("filename*="))).toBe(false);
    expect(raw.includes(Buffer.from('filename="émoticône.img"'))).toBe(true);
  });

  it("buffers small bodies with a Content-Length and streams large attachments", async () => {
    const { sent: small } = await sendCaptured(server, baseMessage);
    expect(Number(small.request.headers["content-length"])).toBe(small.request.body.byteLength);
    const big = new Uint8Array(300 * 1024).map((_, i) => (i * 7) % 251);
    const { sent: large } = await sendCaptured(server, {
      ...baseMessage,
      attachments: [{ filename: "big.bin", content: big, contentType: "application/octet-stream" }],
    });
    expect(large.request.headers["transfer-encoding"]).toBe("chunked");
    expect(large.files("attachment")[0]!.content.equals(Buffer.from(big))).toBe(true);
  });

  it("refuses an inline attachment without Content-ID (test_inline_missing_content_id)", async () => {
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      attachments: [
        {
          filename: "fakeimage.txt",
          content: "imagedata",
          contentType: "image/x-fakeimage",
          inline: true,
        },
      ],
    });
    expect((error as Error).message).toBe(
      "Mailgun does not support inline attachments without Content-ID",
    );
    expect(requests).toBe(0);
  });

  it("sends AMP through espExtra amp-html (test_amp_html_alternative)", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      html: "<p>HTML</p>",
      espExtra: { "amp-html": "<p>And AMP HTML</p>" },
    });
    expect(sent.field("html")).toBe("<p>HTML</p>");
    expect(sent.field("amp-html")).toBe("<p>And AMP HTML</p>");
  });

  it("omits empty address lists (test_suppress_empty_address_lists)", async () => {
    const { sent } = await sendCaptured(server, baseMessage);
    expect(sent.names()).not.toContain("cc");
    expect(sent.names()).not.toContain("bcc");
    expect(sent.names()).not.toContain("h:Reply-To");
    // anymail then sends cc only; Mailgun requires a `to` and answers 400, so that is refused first.
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      to: [],
      cc: "cc@example.com",
    });
    expect((error as Error).message).toBe(
      "Mailgun does not support messages without a to recipient",
    );
    expect(requests).toBe(0);
  });

  it("refuses an unquoted display name with a comma (test_multiple_from_emails, second half)", async () => {
    // One `from` only in anymail-ts (SPEC 2.1): a list is not a feature to port.
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      from: "Unquoted, display-name <from@example.com>",
    });
    expect(isAnymailError(error, "invalid_address")).toBe(true);
    expect(requests).toBe(0);
  });

  it("turns a 400 into AnymailAPIError (test_api_failure)", async () => {
    server.respond({ status: 400, body: "" });
    const { error } = await sendExpectingError(server, baseMessage);
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect((error as Error).message).toContain("Mailgun API response 400");
    expect((error as AnymailAPIError).retryable).toBe(false);
  });

  it("includes the ESP's JSON, text and HTML error details (test_api_error_includes_details)", async () => {
    server.respond({ status: 400, body: { message: "Helpful explanation from your ESP" } });
    let { error } = await sendExpectingError(server, baseMessage);
    expect((error as Error).message).toBe(
      "Mailgun API response 400: Helpful explanation from your ESP",
    );

    server.respond({ status: 500, body: "Invalid API key" });
    ({ error } = await sendExpectingError(server, baseMessage));
    expect((error as Error).message).toBe("Mailgun API response 500: Invalid API key");
    expect((error as AnymailAPIError).retryable).toBe(true);

    server.respond({ status: 401, body: "Forbidden" });
    ({ error } = await sendExpectingError(server, baseMessage));
    expect((error as Error).message).toBe("Mailgun API response 401: Forbidden");

    server.respond({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
    });
    ({ error } = await sendExpectingError(server, baseMessage));
    expect((error as Error).message).toBe("Mailgun API response 502: 502 Bad Gateway");
    expect((error as AnymailAPIError).response?.body).toContain("<html>");

    server.respond({ status: 502, body: "" });
    ({ error } = await sendExpectingError(server, baseMessage));
    expect((error as Error).message).toBe("Mailgun API response 502");
  });

  it("turns a dropped connection into AnymailAPIError, not retried (test_requests_exception)", async () => {
    server.respond({ destroy: true });
    const { error } = await sendExpectingError(server, baseMessage);
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect((error as AnymailAPIError).kind).toBe("network");
    // Written before the socket died: Mailgun may have queued it.
    expect((error as AnymailAPIError).retryable).toBe(false);
  });
});

describe("Anymail features (MailgunBackendAnymailFeatureTests)", () => {
  it("sends metadata as v: fields, not a batch (test_metadata)", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      metadata: { user_id: "12345", items: '["mail","gun"]', count: 3, vip: true, none: null },
    });
    expect(sent.field("v:user_id")).toBe("12345");
    expect(sent.field("v:items")).toBe('["mail","gun"]');
    // Non-strings as JSON, which Mailgun parses back into user-variables.
    expect(sent.field("v:count")).toBe("3");
    expect(sent.field("v:vip")).toBe("true");
    expect(sent.field("v:none")).toBe("null");
    expect(sent.names()).not.toContain("recipient-variables");
  });

  it("formats o:deliverytime as RFC 2822 (test_send_at)", async () => {
    // 05:06 UTC-8 == 13:06 UTC
    let { sent } = await sendCaptured(server, {
      ...baseMessage,
      sendAt: new Date("2016-03-04T05:06:07-08:00"),
    });
    expect(sent.field("o:deliverytime")).toBe("Fri, 04 Mar 2016 13:06:07 GMT");
    // Milliseconds dropped
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      sendAt: new Date("2022-10-11T06:13:14.567Z"),
    }));
    expect(sent.field("o:deliverytime")).toBe("Tue, 11 Oct 2022 06:13:14 GMT");
    // An ISO string with an offset
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      sendAt: "2022-10-22T00:00:00+06:00",
    }));
    expect(sent.field("o:deliverytime")).toBe("Fri, 21 Oct 2022 18:00:00 GMT");
    // A POSIX timestamp as a Date: 2022-05-06 07:08:09 UTC
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      sendAt: new Date(1651820889 * 1000),
    }));
    expect(sent.field("o:deliverytime")).toBe("Fri, 06 May 2022 07:08:09 GMT");
    // Any other string passes unchanged
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      sendAt: "Thu, 13 Oct 2022 18:02:00 GMT",
    }));
    expect(sent.field("o:deliverytime")).toBe("Thu, 13 Oct 2022 18:02:00 GMT");
  });

  it("repeats o:tag (test_tags)", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      tags: ["receipt", "repeat-user"],
    });
    expect(sent.all("o:tag")).toEqual(["receipt", "repeat-user"]);
  });

  it("sets tracking flags both ways (test_tracking)", async () => {
    let { sent } = await sendCaptured(server, {
      ...baseMessage,
      trackOpens: true,
      trackClicks: false,
    });
    expect(sent.field("o:tracking-opens")).toBe("yes");
    expect(sent.field("o:tracking-clicks")).toBe("no");
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      trackOpens: false,
      trackClicks: true,
    }));
    expect(sent.field("o:tracking-opens")).toBe("no");
    expect(sent.field("o:tracking-clicks")).toBe("yes");
  });

  it("names the stored template (test_template_id)", async () => {
    const { sent } = await sendCaptured(server, { ...baseMessage, templateId: "welcome_template" });
    expect(sent.field("template")).toBe("welcome_template");
  });

  const twoRecipients = { ...baseMessage, to: ["alice@example.com", "Bob <bob@example.com>"] };
  const mergeData = {
    "alice@example.com": { name: "Alice", group: "Developers" },
    "bob@example.com": { name: "Bob" },
  };

  it("fills recipient-variables from merge data and globals (test_merge_data)", async () => {
    const message = {
      ...twoRecipients,
      text: "Hi %recipient.name%. Welcome to %recipient.group% at %recipient.site%.",
      mergeData: structuredClone(mergeData),
      mergeGlobalData: { group: "Users", site: "ExampleCo" },
    };
    const { sent } = await sendCaptured(server, message);
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": { name: "Alice", group: "Developers", site: "ExampleCo" },
      "bob@example.com": { name: "Bob", group: "Users", site: "ExampleCo" },
    });
    expect(message.mergeData).toEqual(mergeData);
    expect(message.mergeGlobalData).toEqual({ group: "Users", site: "ExampleCo" });
  });

  it("copies global data to every recipient (test_only_merge_global_data)", async () => {
    const { sent } = await sendCaptured(server, {
      ...twoRecipients,
      mergeGlobalData: { test: "value" },
    });
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": { test: "value" },
      "bob@example.com": { test: "value" },
    });
  });

  it("points a stored template's custom data at recipient-variables (test_merge_data_with_template)", async () => {
    const { sent } = await sendCaptured(server, {
      ...twoRecipients,
      templateId: "welcome_template",
      mergeData,
      mergeGlobalData: { group: "Users", site: "ExampleCo" },
    });
    expect(sent.field("v:name")).toBe("%recipient.name%");
    expect(sent.field("v:group")).toBe("%recipient.group%");
    expect(sent.field("v:site")).toBe("%recipient.site%");
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": { name: "Alice", group: "Developers", site: "ExampleCo" },
      "bob@example.com": { name: "Bob", group: "Users", site: "ExampleCo" },
    });
  });

  it("routes merge metadata through v:-prefixed recipient-variables (test_merge_metadata)", async () => {
    const { sent } = await sendCaptured(server, {
      ...twoRecipients,
      mergeMetadata: {
        "alice@example.com": { order_id: 123, tier: "premium" },
        "bob@example.com": { order_id: 678 },
      },
      metadata: { tier: "basic", notification_batch: "zx912" },
    });
    expect(sent.field("v:order_id")).toBe("%recipient.v:order_id%");
    expect(sent.field("v:tier")).toBe("%recipient.v:tier%");
    expect(sent.field("v:notification_batch")).toBe("zx912");
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": { "v:order_id": 123, "v:tier": "premium" },
      "bob@example.com": { "v:order_id": 678, "v:tier": "basic" },
    });
  });

  const mergeMetadata = {
    "alice@example.com": { order_id: 123, tier: "premium" },
    "bob@example.com": { order_id: 678 },
  };

  it("defaults missing merge data and metadata to '' (test_merge_data_with_merge_metadata)", async () => {
    const { sent } = await sendCaptured(server, { ...twoRecipients, mergeData, mergeMetadata });
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": {
        name: "Alice",
        group: "Developers",
        "v:order_id": 123,
        "v:tier": "premium",
      },
      "bob@example.com": { name: "Bob", group: "", "v:order_id": 678, "v:tier": "" },
    });
  });

  it("combines both with a template (test_merge_data_with_merge_metadata_and_template)", async () => {
    const { sent } = await sendCaptured(server, {
      ...twoRecipients,
      templateId: "order_notification",
      mergeData,
      mergeMetadata,
    });
    expect(sent.field("v:name")).toBe("%recipient.name%");
    expect(sent.field("v:group")).toBe("%recipient.group%");
    expect(sent.field("v:order_id")).toBe("%recipient.v:order_id%");
    expect(sent.field("v:tier")).toBe("%recipient.v:tier%");
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": {
        name: "Alice",
        group: "Developers",
        "v:order_id": 123,
        "v:tier": "premium",
      },
      "bob@example.com": { name: "Bob", group: "", "v:order_id": 678, "v:tier": "" },
    });
  });

  it("refuses merge data keys that are also metadata keys with a template (test_conflicting_merge_data_with_merge_metadata_and_template)", async () => {
    const { error, requests } = await sendExpectingError(server, {
      ...twoRecipients,
      templateId: "order_notification",
      mergeData,
      metadata: { group: "Order processing subsystem" },
    });
    expect((error as Error).message).toBe(
      "Mailgun does not support conflicting mergeData and metadata keys ('group') when using templateId",
    );
    expect(requests).toBe(0);
  });

  it("routes merge headers through h:-prefixed recipient-variables (test_merge_headers)", async () => {
    const { sent } = await sendCaptured(server, {
      ...twoRecipients,
      headers: {
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Unsubscribe": "<mailto:unsubscribe@example.com>",
        "X-Custom": "custom-default",
      },
      mergeHeaders: {
        "alice@example.com": {
          "List-Unsubscribe": "<https://example.com/a/>",
          "X-No-Default": "custom-for-alice",
        },
        "bob@example.com": {
          "List-Unsubscribe": "<https://example.com/b/>",
          "X-Custom": "custom-for-bob",
        },
      },
    });
    expect(sent.field("h:List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(sent.field("h:List-Unsubscribe")).toBe("%recipient.h:List-Unsubscribe%");
    expect(sent.field("h:X-Custom")).toBe("%recipient.h:X-Custom%");
    expect(sent.field("h:X-No-Default")).toBe("%recipient.h:X-No-Default%");
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({
      "alice@example.com": {
        "h:List-Unsubscribe": "<https://example.com/a/>",
        "h:X-Custom": "custom-default",
        "h:X-No-Default": "custom-for-alice",
      },
      "bob@example.com": {
        "h:List-Unsubscribe": "<https://example.com/b/>",
        "h:X-Custom": "custom-for-bob",
        "h:X-No-Default": "",
      },
    });
  });

  it("forces a batch with empty merge data (test_force_batch)", async () => {
    const { sent } = await sendCaptured(server, { ...twoRecipients, mergeData: {} });
    expect(JSON.parse(sent.field("recipient-variables")!)).toEqual({});
  });

  it("takes the sender domain from from, envelopeSender, espExtra (test_sender_domain)", async () => {
    const from = "Test From <from@from-email.example.com>";
    let { sent } = await sendCaptured(server, { ...baseMessage, from });
    expect(sent.request.path).toBe("/v3/from-email.example.com/messages");
    // envelopeSender: only the domain is used, and it overrides from
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      from,
      envelopeSender: "anything@bounces.example.com",
    }));
    expect(sent.request.path).toBe("/v3/bounces.example.com/messages");
    // espExtra.sender_domain overrides from (and is not sent as a field)
    ({ sent } = await sendCaptured(server, {
      ...baseMessage,
      from,
      espExtra: { sender_domain: "esp-extra.example.com" },
    }));
    expect(sent.request.path).toBe("/v3/esp-extra.example.com/messages");
    expect(sent.names()).not.toContain("sender_domain");
  });

  it("uses the senderDomain option over from (test_sender_domain_setting)", async () => {
    const { sent } = await sendCaptured(server, baseMessage, { senderDomain: "mg.example.com" });
    expect(sent.request.path).toBe("/v3/mg.example.com/messages");
    // A message's envelopeSender still overrides the option, as in anymail.
    const { sent: envelope } = await sendCaptured(
      server,
      { ...baseMessage, envelopeSender: "x@bounces.example.com" },
      { senderDomain: "mg.example.com" },
    );
    expect(envelope.request.path).toBe("/v3/bounces.example.com/messages");
  });

  it("refuses a '/' in a message's sender domain before sending (test_invalid_sender_domain)", async () => {
    const { error, requests } = await sendExpectingError(server, {
      ...baseMessage,
      espExtra: { sender_domain: "example.com/invalid" },
    });
    expect(isAnymailError(error, "serialization_error")).toBe(true);
    expect((error as Error).message).toBe("Invalid '/' in sender domain 'example.com/invalid'");
    expect(requests).toBe(0);
  });

  it("refuses an encoded '/' in the senderDomain option (test_invalid_sender_domain_setting)", async () => {
    const { mailgun } = await import("../src/index.js");
    expect(() => mailgun({ apiKey: "k", senderDomain: "example.com%2Finvalid" })).toThrow(
      "Mailgun senderDomain: Invalid '/' in sender domain 'example.com%2Finvalid'",
    );
  });

  it("percent-encodes the sender domain in the path (test_encode_sender_domain)", async () => {
    const { sent } = await sendCaptured(server, baseMessage, {
      senderDomain: "example.com # oops",
    });
    expect(sent.request.path).toBe("/v3/example.com%20%23%20oops/messages");
  });

  it("explains a 404 Domain not found (test_unknown_sender_domain)", async () => {
    server.respond({ status: 404, body: { message: "Domain not found: example.com" } });
    const { error } = await sendExpectingError(server, baseMessage);
    expect((error as Error).message).toBe(
      `Unknown sender domain 'example.com'.\nCheck the domain is verified with Mailgun, and that the MAILGUN_API_URL setting '${server.apiUrl}/' is the correct region.`,
    );
  });

  it("explains the 200 'Mailgun Magnificent API' page (test_magnificent_api)", async () => {
    server.respond({ status: 200, body: "Mailgun Magnificent API" });
    const { error } = await sendExpectingError(server, baseMessage, {
      apiUrl: `${server.url}/v3/example.com/messages`,
    });
    expect(isAnymailError(error, "api_error")).toBe(true);
    expect((error as AnymailAPIError).kind).toBe("invalid_response");
    expect((error as Error).message).toBe(
      `Invalid Mailgun API endpoint '${server.url}/v3/example.com/messages/example.com/messages'.\nCheck your MAILGUN_SENDER_DOMAIN and MAILGUN_API_URL settings.`,
    );
  });

  it("sends no o: or v: options by default (test_default_omits_options)", async () => {
    const { sent } = await sendCaptured(server, baseMessage);
    expect(sent.names().filter((n) => n.startsWith("o:") || n.startsWith("v:"))).toEqual([]);
    expect(sent.names().sort()).toEqual(["from", "subject", "text", "to"]);
  });

  it("reports queued with Mailgun's id for every recipient (test_send_attaches_anymail_status)", async () => {
    server.respond({ body: { id: "<12345.67890@example.com>", message: "Queued. Thank you." } });
    const { result } = await sendCaptured(server, {
      ...baseMessage,
      to: "to1@example.com",
      cc: "cc@example.com",
    });
    expect(result.status).toEqual(new Set(["queued"]));
    expect(result.messageId).toBe("<12345.67890@example.com>");
    expect(result.recipients).toEqual({
      "to1@example.com": { status: "queued", messageId: "<12345.67890@example.com>" },
      "cc@example.com": { status: "queued", messageId: "<12345.67890@example.com>" },
    });
    expect(result.espResponse?.body).toEqual({
      id: "<12345.67890@example.com>",
      message: "Queued. Thank you.",
    });
  });

  it("refuses an unparsable 200 (test_send_unparsable_response)", async () => {
    server.respond({ status: 200, body: "yikes, this isn't a real response" });
    const { error } = await sendExpectingError(server, baseMessage);
    expect((error as AnymailAPIError).kind).toBe("invalid_response");
    expect((error as AnymailAPIError).response?.body).toBe("yikes, this isn't a real response");
    server.respond({ status: 200, body: { id: "<x@y>", message: "Something else" } });
    const { error: other } = await sendExpectingError(server, baseMessage);
    expect((other as Error).message).toBe("Unrecognized Mailgun API message 'Something else'");
  });

  it("merges espExtra last: repeated lists, JSON objects, null removes", async () => {
    const { sent } = await sendCaptured(server, {
      ...baseMessage,
      tags: ["a"],
      espExtra: {
        "o:testmode": "yes",
        "o:tag": ["x", "y"],
        "t:variables": { items: [1, 2] },
        subject: null,
      },
    });
    expect(sent.field("o:testmode")).toBe("yes");
    expect(sent.all("o:tag")).toEqual(["x", "y"]);
    expect(JSON.parse(sent.field("t:variables")!)).toEqual({ items: [1, 2] });
    expect(sent.names()).not.toContain("subject");
  });
});

describe("recipients refused (MailgunBackendRecipientsRefusedTests)", () => {
  it("turns Mailgun's 400 for an invalid to into AnymailAPIError (test_invalid_email)", async () => {
    server.respond({
      status: 400,
      body: { message: "'to' parameter is not a valid address. please check documentation" },
    });
    const { error } = await sendExpectingError(server, {
      ...baseMessage,
      to: "not-really@invalid",
    });
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect((error as AnymailAPIError).statusCode).toBe(400);
  });
});
