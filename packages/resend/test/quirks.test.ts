import { createMailer, type EmailMessage, featureTable } from "@anymail/core";
import { afterEach, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";
import { resendFeatures } from "../src/quirks.js";
import { BASE, prepared, recipients } from "./support/messages.js";
import { MOCK_KEY, MOCK_ORIGIN, mockResend } from "./support/mock-resend.js";

let mock: ReturnType<typeof mockResend>;
afterEach(async () => {
  await mock?.close();
});

function mailerFor(
  options: { verifyAttachmentExtensions?: boolean; ignoreUnsupportedFeatures?: boolean } = {},
) {
  mock = mockResend();
  const provider = resend({
    apiKey: MOCK_KEY,
    apiUrl: MOCK_ORIGIN,
    dispatcher: mock.agent,
    ...(options.verifyAttachmentExtensions === undefined
      ? {}
      : { verifyAttachmentExtensions: options.verifyAttachmentExtensions }),
  });
  return createMailer({
    provider,
    retry: false,
    ignoreUnsupportedFeatures: options.ignoreUnsupportedFeatures ?? false,
  });
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const later = "2030-01-01T00:00:00+00:00";

const refused: [string, Partial<EmailMessage>, string][] = [
  ["envelopeSender", { envelopeSender: "bounces@example.com" }, "envelopeSender"],
  [
    "a From header (its address would need an envelope sender)",
    { headers: { From: "Team <team@example.com>" } },
    "envelopeSender",
  ],
  ["a To header", { headers: { to: "someone-else@example.org" } }, "spoofing `To` header"],
  ["trackClicks false", { trackClicks: false }, "trackClicks"],
  ["trackOpens", { trackOpens: true }, "trackOpens"],
  [
    "empty mergeGlobalData without a template",
    { mergeGlobalData: {} },
    "mergeGlobalData without templateId",
  ],
  [
    "mergeData with data without a template",
    { mergeData: { "ana@example.org": { name: "Ana" } } },
    "mergeData without templateId",
  ],
  [
    "text beside a template",
    { templateId: "welcome", text: "Hi" },
    "html or text with a templateId",
  ],
  [
    "html beside a template",
    { templateId: "welcome", text: undefined, html: "<p>Hi</p>" },
    "html or text with a templateId",
  ],
  [
    "a variable name with a dash",
    { templateId: "welcome", text: undefined, mergeGlobalData: { "FIRST-NAME": "Ana" } },
    'template variable name "FIRST-NAME"',
  ],
  [
    "a reserved variable name",
    { templateId: "welcome", text: undefined, mergeData: { "ana@example.org": { EMAIL: "x" } } },
    'template variable name "EMAIL"',
  ],
  [
    "a variable name over 50 characters",
    { templateId: "welcome", text: undefined, mergeGlobalData: { ["A".repeat(51)]: "x" } },
    `template variable name "${"A".repeat(51)}"`,
  ],
  [
    "an object as a variable value",
    { templateId: "welcome", text: undefined, mergeGlobalData: { ORDER: { id: 1 } } },
    'template variable value "ORDER" (object)',
  ],
  [
    "a null variable value",
    { templateId: "welcome", text: undefined, mergeData: { "ana@example.org": { NAME: null } } },
    'template variable value "NAME" (null)',
  ],
  [
    "51 variables once global and recipient data are merged",
    {
      templateId: "welcome",
      text: undefined,
      mergeGlobalData: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`G${i}`, i])),
      mergeData: { "ana@example.org": { EXTRA: 1 } },
    },
    "more than 50 template variables (got 51)",
  ],
  [
    "extension that disagrees with the content type",
    { attachments: [{ filename: "x.pdf", content: png, contentType: "image/png" }] },
    "attachments of type image/png with name 'x.pdf'",
  ],
  [
    "unnamed attachment of an unknown type",
    { attachments: [{ content: "x", contentType: "text/x-unknown-type" }] },
    "unnamed attachments of type text/x-unknown-type",
  ],
  [
    "inline attachment without Content-ID",
    { attachments: [{ filename: "logo.png", content: png, inline: true }] },
    "inline attachments without Content-ID",
  ],
  [
    "attachments with sendAt",
    { attachments: [{ filename: "a.txt", content: "a" }], sendAt: later },
    "attachments with sendAt",
  ],
  [
    "attachments in a batch",
    { attachments: [{ filename: "a.txt", content: "a" }], mergeMetadata: {} },
    "attachments in a batch send",
  ],
  ["sendAt in a batch", { sendAt: later, mergeHeaders: {} }, "sendAt in a batch send"],
  [
    "a non-ASCII local part in to",
    { to: "jörg@example.org" },
    "non-ASCII local parts in addresses (EAI): 'jörg@example.org'",
  ],
  [
    "a non-ASCII local part in replyTo",
    { replyTo: "Zoë <zoë@example.org>" },
    "non-ASCII local parts in addresses (EAI): 'zoë@example.org'",
  ],
  [
    "more than 50 to in a single send",
    { to: recipients(51) },
    "more than 50 to recipients in a single send (got 51)",
  ],
  [
    "a batch without to",
    { to: undefined, cc: "c@example.org", mergeMetadata: {} },
    "a batch send without to recipients",
  ],
];

describe("unsupported features are refused before any HTTP call", () => {
  for (const [title, fields, feature] of refused) {
    it(title, async () => {
      const mailer = mailerFor();
      await expect(mailer.send({ ...BASE, ...fields })).rejects.toMatchObject({
        code: "unsupported_feature",
        provider: "Resend",
        feature,
        message: `Resend does not support ${feature}`,
      });
      expect(mock.requests).toHaveLength(0);
    });
  }
});

describe("limits that are not hit", () => {
  const accepted: [string, Partial<EmailMessage>][] = [
    [
      "a matching extension, any case",
      { attachments: [{ filename: "X.PNG", content: png, contentType: "image/png" }] },
    ],
    [
      "an extension known only as octet-stream (.img)",
      { attachments: [{ filename: "photo.img", content: png, contentType: "image/png" }] },
    ],
    [
      "an extension known only as octet-stream (.bin)",
      { attachments: [{ filename: "data.bin", content: png, contentType: "image/png" }] },
    ],
    [
      "an unknown extension",
      { attachments: [{ filename: "x.zzz", content: png, contentType: "image/png" }] },
    ],
    [
      "an extension shared by several types",
      { attachments: [{ filename: "feed.xml", content: "<a/>", contentType: "text/xml" }] },
    ],
    [
      "inline with Content-ID",
      { attachments: [{ content: png, contentType: "image/png", contentId: "logo" }] },
    ],
    ["exactly 50 to", { to: recipients(50) }],
    ["sendAt without attachments", { sendAt: later }],
    ["a non-ASCII domain and display name", { to: "Jörg <jorg@bücher.example>" }],
  ];
  for (const [title, fields] of accepted) {
    it(title, async () => {
      const mailer = mailerFor();
      mock.replyId("ok");
      await expect(mailer.send({ ...BASE, ...fields })).resolves.toMatchObject({ messageId: "ok" });
      expect(mock.requests).toHaveLength(1);
    });
  }

  it("allows a batch with more than 50 to", async () => {
    const mailer = mailerFor();
    mock.replyBatch(1);
    await mailer.send({ ...BASE, to: recipients(51), mergeMetadata: {} });
    expect(mock.requests).toHaveLength(1);
  });

  it("skips the extension check when verifyAttachmentExtensions is false", async () => {
    const mailer = mailerFor({ verifyAttachmentExtensions: false });
    mock.replyId();
    await mailer.send({
      ...BASE,
      attachments: [{ filename: "x.pdf", content: png, contentType: "image/png" }],
    });
    expect((mock.requests[0]!.json as { attachments: unknown[] }).attachments).toEqual([
      {
        content: Buffer.from(png).toString("base64"),
        filename: "x.pdf",
        content_type: "image/png",
      },
    ]);
  });
});

describe("ignoreUnsupportedFeatures sends best effort, as anymail does", () => {
  it("drops unsupported fields and sends quirky attachments with empty names", async () => {
    const mailer = mailerFor({ ignoreUnsupportedFeatures: true });
    mock.replyId();
    await mailer.send({
      ...BASE,
      trackOpens: true,
      envelopeSender: "bounces@example.com",
      attachments: [
        { content: "x", contentType: "text/x-unknown-type" },
        { filename: "i.png", content: png, inline: true },
      ],
    });
    const body = mock.requests[0]?.json as Record<string, unknown>;
    expect(body).not.toHaveProperty("track_opens");
    expect(body.attachments).toEqual([
      { content: "eA==", filename: "", content_type: 'text/x-unknown-type; charset="utf-8"' },
      {
        content: Buffer.from(png).toString("base64"),
        filename: "i.png",
        content_type: "image/png",
        content_id: "",
      },
    ]);
  });
});

describe("the feature table", () => {
  it("lists exactly the unsupported fields of the brief", () => {
    expect(resendFeatures().unsupported).toEqual(["envelopeSender", "trackClicks", "trackOpens"]);
    expect(featureTable(resendFeatures()).every((row) => row.description.length > 0)).toBe(true);
  });

  it("describes a quirk even when describe() is called detached", () => {
    const quirk = resendFeatures().quirks.find((q) => q.feature.startsWith("more than 50"));
    const describeDetached = quirk?.describe;
    expect(describeDetached?.(prepared({ to: recipients(51) }))).toBe(
      "more than 50 to recipients in a single send (got 51)",
    );
  });

  it("has a description for every quirk", () => {
    for (const quirk of resendFeatures().quirks) expect(quirk.description).toBeTruthy();
  });
});
