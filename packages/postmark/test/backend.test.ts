// Ports django-anymail 15.1 tests/test_postmark_backend.py (standard and Anymail features).
import {
  AnymailAPIError,
  AnymailInvalidAddress,
  AnymailSerializationError,
  AnymailUnsupportedFeature,
  createMailer,
  type EmailMessage,
  inlineImage,
  type Mailer,
} from "@anymail/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postmark } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";

let server: CaptureServer;
let mailer: Mailer;

beforeAll(async () => {
  server = await startCaptureServer();
  mailer = createMailer({
    provider: postmark({ serverToken: "test_server_token", apiUrl: server.url }),
    retry: false,
  });
});
afterEach(() => server.reset());
afterAll(async () => {
  await mailer.close();
  await server.close();
});

const base: EmailMessage = {
  from: "from@example.com",
  to: "to@example.com",
  subject: "Subject",
  text: "Text Body",
};
const send = (message: Partial<EmailMessage>) => mailer.send({ ...base, ...message });
const decode = (content: string) => Buffer.from(content, "base64");

const batchResponse = JSON.stringify([
  {
    ErrorCode: 0,
    Message: "OK",
    To: "alice@example.com",
    SubmittedAt: "2016-03-12T15:27:50.4468803-05:00",
    MessageID: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
  },
  {
    ErrorCode: 0,
    Message: "OK",
    To: "bob@example.com",
    SubmittedAt: "2016-03-12T15:27:50.4468803-05:00",
    MessageID: "e2ecbbfc-fe12-463d-b933-9fe22915106d",
  },
]);

describe("Postmark standard email features", () => {
  it("sends a simple message to /email with the server token (test_send_mail)", async () => {
    await send({
      subject: "Subject here",
      text: "Here is the message.",
      from: "from@sender.example.com",
    });
    const request = server.last();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/email");
    expect(request.headers["x-postmark-server-token"]).toBe("test_server_token");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.accept).toBe("application/json");
    expect(request.json).toEqual({
      From: "from@sender.example.com",
      To: "to@example.com",
      Subject: "Subject here",
      TextBody: "Here is the message.",
    });
  });

  it("keeps display names of sender and recipients (test_name_addr)", async () => {
    await send({
      from: "From Name <from@example.com>",
      to: ["Recipient #1 <to1@example.com>", "to2@example.com"],
      cc: ["Carbon Copy <cc1@example.com>", "cc2@example.com"],
      bcc: ["Blind Copy <bcc1@example.com>", "bcc2@example.com"],
    });
    const data = server.last().json;
    expect(data.From).toBe("From Name <from@example.com>");
    expect(data.To).toBe("Recipient #1 <to1@example.com>, to2@example.com");
    expect(data.Cc).toBe("Carbon Copy <cc1@example.com>, cc2@example.com");
    expect(data.Bcc).toBe("Blind Copy <bcc1@example.com>, bcc2@example.com");
  });

  it("maps every field of a full message (test_email_message)", async () => {
    await send({
      text: "Body goes here",
      to: ["to1@example.com", "Also To <to2@example.com>"],
      bcc: ["bcc1@example.com", "Also BCC <bcc2@example.com>"],
      cc: ["cc1@example.com", "Also CC <cc2@example.com>"],
      headers: {
        "Reply-To": "another@example.com",
        "X-MyHeader": "my value",
        "Message-ID": "mycustommsgid@sales.example.com",
      },
    });
    const data = server.last().json;
    expect(data.Subject).toBe("Subject");
    expect(data.TextBody).toBe("Body goes here");
    expect(data.To).toBe("to1@example.com, Also To <to2@example.com>");
    expect(data.Bcc).toBe("bcc1@example.com, Also BCC <bcc2@example.com>");
    expect(data.Cc).toBe("cc1@example.com, Also CC <cc2@example.com>");
    expect(data.ReplyTo).toBe("another@example.com");
    expect(data.Headers).toEqual(
      expect.arrayContaining([
        { Name: "Message-ID", Value: "mycustommsgid@sales.example.com" },
        { Name: "X-MyHeader", Value: "my value" },
      ]),
    );
    expect(data.Headers).toHaveLength(2);
  });

  it("sends html and text bodies, no html attachment (test_html_message)", async () => {
    const html = "<p>This is an <strong>important</strong> message.</p>";
    await send({ text: "This is an important message.", html });
    const data = server.last().json;
    expect(data.TextBody).toBe("This is an important message.");
    expect(data.HtmlBody).toBe(html);
    expect(data).not.toHaveProperty("Attachments");
  });

  it("sends an html-only message without TextBody (test_html_only_message)", async () => {
    const html = "<p>This is an <strong>important</strong> message.</p>";
    await mailer.send({ from: "from@example.com", to: "to@example.com", subject: "S", html });
    const data = server.last().json;
    expect(data).not.toHaveProperty("TextBody");
    expect(data.HtmlBody).toBe(html);
  });

  it("sends headers as [{Name, Value}], numbers as strings (test_extra_headers)", async () => {
    await send({ headers: { "X-Custom": "string", "X-Num": 123 as unknown as string } });
    expect(server.last().json.Headers).toEqual([
      { Name: "X-Custom", Value: "string" },
      { Name: "X-Num", Value: "123" },
    ]);
  });

  it("refuses a header value that is not a string or number (test_extra_headers_serialization_error)", async () => {
    await expect(
      send({ headers: { "X-Custom": { amount: 12.5 } as unknown as string } }),
    ).rejects.toBeInstanceOf(AnymailSerializationError);
    expect(server.requests).toHaveLength(0);
  });

  it("sends replyTo as ReplyTo and keeps other headers (test_reply_to)", async () => {
    await send({
      replyTo: ["reply@example.com", "Other <reply2@example.com>"],
      headers: { "X-Other": "Keep" },
    });
    const data = server.last().json;
    expect(data.ReplyTo).toBe("reply@example.com, Other <reply2@example.com>");
    expect(data.Headers).toEqual([{ Name: "X-Other", Value: "Keep" }]);
  });

  it("moves a Reply-To header into ReplyTo (test_reply_to_header)", async () => {
    await send({
      headers: { "reply-to": "reply@example.com, Other <reply2@example.com>", "X-Other": "Keep" },
    });
    const data = server.last().json;
    expect(data.ReplyTo).toBe("reply@example.com, Other <reply2@example.com>");
    expect(data.Headers).toEqual([{ Name: "X-Other", Value: "Keep" }]);
  });

  it("IDNA-encodes domains and keeps non-ASCII names and headers (test_non_ascii_headers)", async () => {
    await mailer.send({
      from: '"Odesílatel, z adresy" <from@příklad.example.cz>',
      to: ['"Příjemce, na adresu" <to@příklad.example.cz>'],
      subject: "Předmět e-mailu",
      replyTo: ['"Odpověď, adresa" <reply@příklad.example.cz>'],
      headers: { "X-Extra": "Další" },
      text: "Prostý text",
    });
    const data = server.last().json;
    expect(data.From).toBe('"Odesílatel, z adresy" <from@xn--pklad-zsa96e.example.cz>');
    expect(data.To).toBe('"Příjemce, na adresu" <to@xn--pklad-zsa96e.example.cz>');
    expect(data.Subject).toBe("Předmět e-mailu");
    expect(data.ReplyTo).toBe('"Odpověď, adresa" <reply@xn--pklad-zsa96e.example.cz>');
    expect(data.Headers).toEqual([{ Name: "X-Extra", Value: "Další" }]);
  });

  it("sends attachments with Name, base64 Content, ContentType and ContentID for inline (test_attachments)", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const image = inlineImage(png, { filename: "test.png" });
    await send({
      attachments: [
        { content: new TextEncoder().encode("pièce jointe\n"), contentType: "text/plain" },
        {
          filename: "émoticône.img",
          content: new Uint8Array([0x3b, 0x2d, 0x29]),
          contentType: "image/x-emoticon",
        },
        image.attachment,
      ],
    });
    const attachments = server.last().json.Attachments;
    expect(attachments).toHaveLength(3);
    expect(attachments[0].Name).toBe(""); // no filename
    expect(attachments[0].ContentType).toMatch(/^text\/plain/);
    expect(decode(attachments[0].Content).toString("utf8")).toBe("pièce jointe\n");
    expect(attachments[0]).not.toHaveProperty("ContentID");

    expect(attachments[1].ContentType).toBe("image/x-emoticon");
    expect(attachments[1].Name).toBe("émoticône.img");
    expect(decode(attachments[1].Content).toString("latin1")).toBe(";-)");
    expect(attachments[1]).not.toHaveProperty("ContentID");

    expect(attachments[2].ContentType).toBe("image/png");
    expect(attachments[2].Name).toBe("test.png");
    expect(new Uint8Array(decode(attachments[2].Content))).toEqual(png);
    expect(attachments[2].ContentID).toBe(`cid:${image.cid}`);
  });

  // test_multiple_html_alternatives, test_html_alternative, test_alternatives_fail_silently:
  // no meaning here: EmailMessage has exactly one `html` and no other alternatives.

  it("omits empty address lists (test_suppress_empty_address_lists)", async () => {
    await send({});
    let data = server.last().json;
    expect(data).not.toHaveProperty("Cc");
    expect(data).not.toHaveProperty("Bcc");
    expect(data).not.toHaveProperty("ReplyTo");

    await send({ to: [], cc: "cc@example.com" });
    data = server.last().json;
    expect(data).not.toHaveProperty("To");
    expect(data.Cc).toBe("cc@example.com");
  });

  it("refuses an unquoted display name with a comma (test_multiple_from_emails)", async () => {
    // anymail lets Postmark take several From addresses; our `from` is exactly one mailbox,
    // so only the second half of the case (a clear error) carries over.
    await expect(
      send({ from: "Unquoted, display-name <from@example.com>" }),
    ).rejects.toBeInstanceOf(AnymailInvalidAddress);
    expect(server.requests).toHaveLength(0);
  });

  it("raises an API error for a 500 (test_api_failure)", async () => {
    server.respond({ status: 500, body: "" });
    const error = await send({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect((error as AnymailAPIError).message).toContain("Postmark API response 500");
    expect((error as AnymailAPIError).retryable).toBe(true);
  });

  // test_api_failure_fail_silently, test_send_failed_anymail_status: no fail_silently here;
  // a failed send rejects and returns no result.

  it("includes Postmark's explanation in API errors (test_api_error_includes_details)", async () => {
    server.respond({
      status: 200,
      body: JSON.stringify({ ErrorCode: 451, Message: "Helpful explanation from Postmark." }),
    });
    let error = (await send({}).catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.message).toContain("Helpful explanation from Postmark");
    expect(error.providerCode).toBe("451");
    expect(error.retryable).toBe(false);

    server.respond({ status: 500, body: "Ack! Bad proxy!" });
    error = (await send({}).catch((e: unknown) => e)) as AnymailAPIError;
    expect(error.message).toContain("Ack! Bad proxy!");

    server.respond({ status: 502, body: "" });
    error = (await send({}).catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.statusCode).toBe(502);
  });
});

describe("Postmark Anymail features", () => {
  it("refuses envelopeSender before any HTTP call (test_envelope_sender)", async () => {
    await expect(send({ envelopeSender: "anything@bounces.example.com" })).rejects.toThrow(
      new AnymailUnsupportedFeature("Postmark", "envelopeSender"),
    );
    expect(server.requests).toHaveLength(0);
  });

  it("sends metadata as Metadata (test_metadata)", async () => {
    await send({ metadata: { user_id: "12345", items: 6 } });
    expect(server.last().json.Metadata).toEqual({ user_id: "12345", items: 6 });
  });

  it("refuses sendAt (test_send_at)", async () => {
    await expect(send({ sendAt: new Date("2022-05-06T07:08:09Z") })).rejects.toThrow(
      "Postmark does not support sendAt",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("sends one tag as Tag and refuses two (test_tags)", async () => {
    await send({ tags: ["receipt"] });
    expect(server.last().json.Tag).toBe("receipt");
    server.reset();
    await expect(send({ tags: ["receipt", "repeat-user"] })).rejects.toThrow(
      'Postmark does not support multiple tags (["receipt","repeat-user"])',
    );
    expect(server.requests).toHaveLength(0);
  });

  it("sends TrackOpens (test_track_opens)", async () => {
    await send({ trackOpens: true });
    expect(server.last().json.TrackOpens).toBe(true);
  });

  it("sends TrackLinks HtmlAndText, and None to override the server default (test_track_clicks)", async () => {
    await send({ trackClicks: true });
    expect(server.last().json.TrackLinks).toBe("HtmlAndText");
    await send({ trackClicks: false });
    expect(server.last().json.TrackLinks).toBe("None");
  });

  it("sends a numeric template id to /email/withTemplate (test_template)", async () => {
    await mailer.send({
      from: "from@example.com",
      to: ["to@example.com"],
      templateId: "1234567",
      mergeGlobalData: { name: "Alice", group: "Developers" },
    });
    const request = server.last();
    expect(request.path).toBe("/email/withTemplate");
    expect(request.json.TemplateId).toBe(1234567);
    expect(request.json.TemplateModel).toEqual({ name: "Alice", group: "Developers" });
    expect(request.json).not.toHaveProperty("Subject");
    expect(request.json).not.toHaveProperty("HtmlBody");
    expect(request.json).not.toHaveProperty("TextBody");
  });

  it("drops an empty subject and bodies beside a template (test_template, Django's empty defaults)", async () => {
    await mailer.send({
      from: "from@example.com",
      to: "to@example.com",
      subject: "",
      text: "",
      templateId: "1234567",
    });
    const data = server.last().json;
    expect(data).not.toHaveProperty("Subject");
    expect(data).not.toHaveProperty("TextBody");
  });

  it("sends a non-numeric template id as TemplateAlias with an empty TemplateModel (test_template_alias)", async () => {
    await mailer.send({
      from: "from@example.com",
      to: ["to@example.com"],
      templateId: "welcome-message",
    });
    const request = server.last();
    expect(request.path).toBe("/email/withTemplate");
    expect(request.json.TemplateAlias).toBe("welcome-message");
    expect(request.json).not.toHaveProperty("TemplateId");
    expect(request.json.TemplateModel).toEqual({});
  });

  it("sends a template to several recipients in one message without merge data (test_template_multiple_recipients)", async () => {
    await mailer.send({
      from: "from@example.com",
      to: ["to@example.com", "Also to <to2@example.com>"],
      templateId: "1234567",
    });
    const request = server.last();
    expect(request.path).toBe("/email/withTemplate");
    expect(request.json.To).toBe("to@example.com, Also to <to2@example.com>");
    expect(request.json.TemplateId).toBe(1234567);
  });

  it("sends merge data through /email/batchWithTemplates, one message per to (test_merge_data)", async () => {
    server.respond({ body: batchResponse });
    const result = await mailer.send({
      from: "from@example.com",
      templateId: "1234567",
      to: ["alice@example.com", "Bob <bob@example.com>"],
      mergeData: {
        "alice@example.com": { name: "Alice", group: "Developers" },
        "bob@example.com": { name: "Bob" },
        "nobody@example.com": { name: "Not a recipient for this message" },
      },
      mergeGlobalData: { group: "Users", site: "ExampleCo" },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batchWithTemplates");
    expect(request.json).toEqual({
      Messages: [
        {
          From: "from@example.com",
          To: "alice@example.com",
          TemplateId: 1234567,
          TemplateModel: { name: "Alice", group: "Developers", site: "ExampleCo" },
        },
        {
          From: "from@example.com",
          To: "Bob <bob@example.com>",
          TemplateId: 1234567,
          TemplateModel: { name: "Bob", group: "Users", site: "ExampleCo" },
        },
      ],
    });
    expect(result.recipients["alice@example.com"]).toEqual({
      status: "sent",
      messageId: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
    });
    expect(result.recipients["bob@example.com"]).toEqual({
      status: "sent",
      messageId: "e2ecbbfc-fe12-463d-b933-9fe22915106d",
    });
    expect(result.messageId).toBeUndefined(); // two different ids
  });

  it("treats merge data for a single recipient as a batch (test_merge_data_single_recipient)", async () => {
    server.respond({ body: JSON.stringify([JSON.parse(batchResponse)[0]]) });
    const result = await mailer.send({
      from: "from@example.com",
      templateId: "1234567",
      to: ["alice@example.com"],
      mergeData: {
        "alice@example.com": { name: "Alice", group: "Developers" },
        "nobody@example.com": { name: "Not a recipient for this message" },
      },
      mergeGlobalData: { group: "Users", site: "ExampleCo" },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batchWithTemplates");
    expect(request.json).toEqual({
      Messages: [
        {
          From: "from@example.com",
          To: "alice@example.com",
          TemplateId: 1234567,
          TemplateModel: { name: "Alice", group: "Developers", site: "ExampleCo" },
        },
      ],
    });
    expect(result.recipients["alice@example.com"]).toEqual({
      status: "sent",
      messageId: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
    });
    expect(result.messageId).toBe("b7bc2f4a-e38e-4336-af7d-e6c392c2f817");
  });

  it("uses an empty mergeData to batch-send without a template via /email/batch (test_merge_data_no_template)", async () => {
    server.respond({ body: batchResponse });
    const result = await mailer.send({
      from: "from@example.com",
      to: ["alice@example.com", "Bob <bob@example.com>"],
      mergeData: {},
      subject: "Test batch send",
      text: "Test body",
    });
    const request = server.last();
    expect(request.path).toBe("/email/batch");
    expect(request.json).toEqual([
      {
        From: "from@example.com",
        To: "alice@example.com",
        Subject: "Test batch send",
        TextBody: "Test body",
      },
      {
        From: "from@example.com",
        To: "Bob <bob@example.com>",
        Subject: "Test batch send",
        TextBody: "Test body",
      },
    ]);
    expect(result.recipients["alice@example.com"]?.status).toBe("sent");
    expect(result.recipients["bob@example.com"]?.messageId).toBe(
      "e2ecbbfc-fe12-463d-b933-9fe22915106d",
    );
  });

  it("refuses non-empty merge data without a template (test_merge_data_without_template_unsupported)", async () => {
    await expect(
      mailer.send({
        from: "from@example.com",
        to: ["alice@example.com", "Bob <bob@example.com>"],
        subject: "Test batch send",
        text: "Hello {{name}}",
        mergeData: { "alice@example.com": { name: "Alice" }, "bob@example.com": { name: "Bob" } },
      }),
    ).rejects.toThrow("Postmark does not support mergeData without templateId");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses mergeGlobalData without a template (test_merge_global_data_without_template_unsupported)", async () => {
    await expect(
      send({ text: "Hello {{name}}", mergeGlobalData: { name: "Alice" } }),
    ).rejects.toThrow("Postmark does not support mergeGlobalData without templateId");
    expect(server.requests).toHaveLength(0);
  });

  it("combines metadata with each recipient's mergeMetadata in /email/batch (test_merge_metadata)", async () => {
    server.respond({ body: batchResponse });
    await send({
      to: ["alice@example.com", "Bob <bob@example.com>"],
      mergeMetadata: {
        "alice@example.com": { order_id: 123, tier: "premium" },
        "bob@example.com": { order_id: 678 },
      },
      metadata: { notification_batch: "zx912" },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batch");
    expect(request.json).toHaveLength(2);
    expect(request.json[0].To).toBe("alice@example.com");
    expect(request.json[0].Metadata).toEqual({
      order_id: 123,
      tier: "premium",
      notification_batch: "zx912",
    });
    expect(request.json[1].To).toBe("Bob <bob@example.com>");
    expect(request.json[1].Metadata).toEqual({ order_id: 678, notification_batch: "zx912" });
  });

  it("sends mergeMetadata with a template through /email/batchWithTemplates (test_merge_metadata_with_template)", async () => {
    server.respond({ body: batchResponse });
    await mailer.send({
      from: "from@example.com",
      to: ["alice@example.com", "Bob <bob@example.com>"],
      templateId: "1234567",
      mergeMetadata: {
        "alice@example.com": { order_id: 123 },
        "bob@example.com": { order_id: 678, tier: "premium" },
      },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batchWithTemplates");
    expect(request.json.Messages[0].To).toBe("alice@example.com");
    expect(request.json.Messages[0].Metadata).toEqual({ order_id: 123 });
    expect(request.json.Messages[1].To).toBe("Bob <bob@example.com>");
    expect(request.json.Messages[1].Metadata).toEqual({ order_id: 678, tier: "premium" });
  });

  it("combines global headers with each recipient's mergeHeaders (test_merge_headers)", async () => {
    server.respond({ body: batchResponse });
    await send({
      to: ["alice@example.com", "Bob <bob@example.com>"],
      headers: {
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Unsubscribe": "<mailto:unsubscribe@example.com>",
      },
      mergeHeaders: {
        "alice@example.com": { "List-Unsubscribe": "<https://example.com/a/>" },
        "bob@example.com": { "list-unsubscribe": "<https://example.com/b/>" },
      },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batch");
    expect(request.json[0].To).toBe("alice@example.com");
    expect(request.json[0].Headers).toEqual(
      expect.arrayContaining([
        { Name: "List-Unsubscribe", Value: "<https://example.com/a/>" },
        { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      ]),
    );
    expect(request.json[0].Headers).toHaveLength(2);
    // Names are merged case-insensitively.
    expect(request.json[1].Headers).toEqual(
      expect.arrayContaining([
        { Name: "List-Unsubscribe", Value: "<https://example.com/b/>" },
        { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      ]),
    );
    expect(request.json[1].Headers).toHaveLength(2);
  });

  it("omits every option the caller didn't set (test_default_omits_options)", async () => {
    await send({});
    const data = server.last().json;
    for (const field of [
      "Metadata",
      "Tag",
      "TemplateId",
      "TemplateModel",
      "TrackOpens",
      "TrackLinks",
    ]) {
      expect(data).not.toHaveProperty(field);
    }
  });

  it("merges espExtra into the payload (test_esp_extra)", async () => {
    await send({ espExtra: { FuturePostmarkOption: "some-value", MessageStream: "broadcast" } });
    const data = server.last().json;
    expect(data.FuturePostmarkOption).toBe("some-value");
    expect(data.MessageStream).toBe("broadcast");
  });

  it("takes a per-message server token from espExtra, never in the JSON (test_message_server_token)", async () => {
    await send({ espExtra: { server_token: "token_for_this_message_only" } });
    const request = server.last();
    expect(request.headers["x-postmark-server-token"]).toBe("token_for_this_message_only");
    expect(request.json).not.toHaveProperty("server_token");
    expect(request.text).not.toContain("token_for_this_message_only");
  });

  it("refuses an unusable per-message server token without echoing it", async () => {
    const error = await send({ espExtra: { server_token: "secret\r\nX-Evil: 1" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AnymailSerializationError);
    expect(String((error as Error).message)).not.toContain("secret");
    expect(server.requests).toHaveLength(0);
  });

  it("returns per-recipient status and the response (test_send_attaches_anymail_status)", async () => {
    const body = JSON.stringify({
      MessageID: "abcdef01-2345-6789-0123-456789abcdef",
      ErrorCode: 0,
      To: "Recipient <to1@example.com>",
      Message: "OK",
    });
    server.respond({ body });
    const result = await send({ to: "Recipient <to1@example.com>" });
    expect(result.status).toEqual(new Set(["sent"]));
    expect(result.messageId).toBe("abcdef01-2345-6789-0123-456789abcdef");
    expect(result.recipients["to1@example.com"]).toEqual({
      status: "sent",
      messageId: "abcdef01-2345-6789-0123-456789abcdef",
    });
    expect(result.espResponse?.status).toBe(200);
    expect(result.espResponse?.body).toEqual(JSON.parse(body));
  });

  it("returns status for cc-only sends, which Postmark answers without To (test_send_without_to_attaches_anymail_status)", async () => {
    server.respond({
      body: JSON.stringify({
        SubmittedAt: "2019-01-28T13:54:35.5813997-05:00",
        MessageID: "abcdef01-2345-6789-0123-456789abcdef",
        ErrorCode: 0,
        Message: "OK",
      }),
    });
    const result = await send({ to: [], cc: "cc@example.com" });
    expect(result.status).toEqual(new Set(["sent"]));
    expect(result.messageId).toBe("abcdef01-2345-6789-0123-456789abcdef");
    expect(result.recipients["cc@example.com"]).toEqual({
      status: "sent",
      messageId: "abcdef01-2345-6789-0123-456789abcdef",
    });
  });

  it("raises an API error for a 200 that isn't JSON (test_send_unparsable_response)", async () => {
    server.respond({ status: 200, body: "yikes, this isn't a real response" });
    const error = (await send({}).catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error.response?.body).toBe("yikes, this isn't a real response");
    expect(error.retryable).toBe(false);
  });

  it("explains data that can't be JSON (test_json_serialization_errors)", async () => {
    const error = await send({ espExtra: { Amount: BigInt(1999) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnymailSerializationError);
    // Core names the field before the provider sees it (anymail adds its context in the backend).
    expect((error as Error).message).toMatch(/espExtra.*BigInt/);
    expect(server.requests).toHaveLength(0);
  });
});
