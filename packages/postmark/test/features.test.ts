// Postmark API errors that anymail leaves to Postmark, caught here before any HTTP call.
import {
  AnymailUnsupportedFeature,
  createMailer,
  type EmailMessage,
  featureTable,
} from "@anymail/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  POSTMARK_MAX_BATCH_SIZE,
  POSTMARK_MAX_RECIPIENTS,
  postmark,
  postmarkFeatures,
} from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import { postmarkLike } from "./support/postmark-like.js";

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

const base: EmailMessage = {
  from: "from@example.com",
  to: "to@example.com",
  subject: "S",
  text: "T",
};
const strict = () =>
  createMailer({ provider: postmark({ serverToken: "t", apiUrl: server.url }), retry: false });
const lenient = () =>
  createMailer({
    provider: postmark({ serverToken: "t", apiUrl: server.url }),
    retry: false,
    ignoreUnsupportedFeatures: true,
  });
const addresses = (n: number, prefix = "r") =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);

async function refusedWith(message: Partial<EmailMessage>, feature: string | RegExp) {
  const error = await strict()
    .send({ ...base, ...message })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AnymailUnsupportedFeature);
  if (typeof feature === "string")
    expect((error as Error).message).toBe(`Postmark does not support ${feature}`);
  else expect((error as Error).message).toMatch(feature);
  expect(server.requests).toHaveLength(0);
}

describe("Postmark feature table", () => {
  it("declares envelopeSender and sendAt unsupported", () => {
    expect(postmarkFeatures().unsupported).toEqual(["envelopeSender", "sendAt"]);
  });

  it("has one row with a reason per entry in core's featureTable", () => {
    const rows = featureTable(postmarkFeatures());
    expect(rows.map((r) => [r.feature, r.kind])).toEqual([
      ["envelopeSender", "unsupported"],
      ["sendAt", "unsupported"],
      ...postmarkFeatures().quirks.map((q) => [q.feature, "quirk"]),
    ]);
    for (const row of rows) expect(row.description).not.toBe("");
  });

  it("refuses subject or bodies beside a template", async () => {
    await refusedWith({ templateId: "welcome" }, "subject, text or html with templateId");
  });

  it("sends only the template under ignoreUnsupportedFeatures", async () => {
    server.handler = postmarkLike;
    await lenient().send({ ...base, templateId: "welcome", html: "<p>x</p>" });
    const data = server.last().json;
    expect(data.TemplateAlias).toBe("welcome");
    expect(data).not.toHaveProperty("Subject");
    expect(data).not.toHaveProperty("TextBody");
    expect(data).not.toHaveProperty("HtmlBody");
  });

  it("sends only the first tag under ignoreUnsupportedFeatures (anymail's best effort)", async () => {
    server.handler = postmarkLike;
    await lenient().send({ ...base, tags: ["one", "two"] });
    expect(server.last().json.Tag).toBe("one");
  });

  it("drops merge data without a template under ignoreUnsupportedFeatures, still batching", async () => {
    server.handler = postmarkLike;
    await lenient().send({
      ...base,
      to: ["a@example.com", "b@example.com"],
      mergeData: { "a@example.com": { name: "A" } },
      mergeGlobalData: { site: "x" },
    });
    const request = server.last();
    expect(request.path).toBe("/email/batch");
    expect(request.json.map((m: { TemplateModel?: unknown }) => m.TemplateModel)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it("refuses an inline attachment without a Content-ID", async () => {
    await refusedWith(
      { attachments: [{ filename: "a.png", content: new Uint8Array([1]), inline: true }] },
      "inline attachments without Content-ID",
    );
  });

  it("refuses non-ASCII local parts (EAI) in any address", async () => {
    await refusedWith(
      { to: "jörg@example.com" },
      "non-ASCII local parts in addresses (EAI): 'jörg@example.com'",
    );
    await refusedWith({ replyTo: "jörg@example.com" }, /EAI/);
    // Non-ASCII domains are IDNA-encoded and fine.
    server.handler = postmarkLike;
    await strict().send({ ...base, to: "user@müller.example" });
    expect(server.last().json.To).toBe("user@xn--mller-kva.example");
  });

  it(`refuses more than ${POSTMARK_MAX_RECIPIENTS} recipients in one message, counting cc and bcc`, async () => {
    await refusedWith(
      { to: addresses(40), cc: addresses(10, "c"), bcc: ["b@example.com"] },
      `more than ${POSTMARK_MAX_RECIPIENTS} recipients in one message (got 51)`,
    );
    server.handler = postmarkLike;
    await strict().send({ ...base, to: addresses(40), cc: addresses(10, "c") });
    // A batch send counts one `to` per message.
    await strict().send({ ...base, to: addresses(60), mergeMetadata: {} });
    expect(server.requests).toHaveLength(2);
  });

  it(`splits a batch of more than ${POSTMARK_MAX_BATCH_SIZE} messages into calls of ${POSTMARK_MAX_BATCH_SIZE}`, async () => {
    server.handler = postmarkLike;
    const to = addresses(POSTMARK_MAX_BATCH_SIZE + 1);
    const result = await strict().send({ ...base, to, mergeMetadata: {} });
    expect(server.requests.map((r) => (r.json as unknown as unknown[]).length)).toEqual([
      POSTMARK_MAX_BATCH_SIZE,
      1,
    ]);
    expect(Object.keys(result.recipients)).toHaveLength(POSTMARK_MAX_BATCH_SIZE + 1);
  });

  it("refuses a batch send without to recipients", async () => {
    await refusedWith(
      { to: [], cc: "c@example.com", mergeData: {} },
      "a batch send without to recipients",
    );
  });

  it("allows merge data whose entries are all empty without a template (a batch request)", async () => {
    server.handler = postmarkLike;
    await strict().send({ ...base, to: ["a@example.com"], mergeData: { "a@example.com": {} } });
    expect(server.last().path).toBe("/email/batch");
  });
});
