// Quirks anymail documents (docs/esps/mailgun.rst "Limitations and quirks") or leaves to
// Mailgun's API, refused before any HTTP call.
import { createMailer, type EmailMessage, isAnymailError, prepareMessage } from "@anymail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailgun, mailgunFeatures } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import { baseMessage, sendExpectingError } from "./support/send.js";

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

async function refused(message: EmailMessage): Promise<string> {
  const { error, requests } = await sendExpectingError(server, message);
  expect(requests).toBe(0);
  expect(isAnymailError(error, "unsupported_feature")).toBe(true);
  return (error as Error).message;
}

const two = { ...baseMessage, to: ["alice@example.com", "bob@example.com"] };

describe("Mailgun quirks", () => {
  it("refuses complex merge data with a stored template", async () => {
    expect(
      await refused({
        ...two,
        templateId: "t",
        mergeData: { "alice@example.com": { items: [1, 2] } },
      }),
    ).toBe("Mailgun does not support complex mergeData value for 'items' with templateId");
    expect(await refused({ ...two, templateId: "t", mergeGlobalData: { order: { id: 1 } } })).toBe(
      "Mailgun does not support complex mergeData value for 'order' with templateId",
    );
  });

  it("refuses v: merge data keys with merge metadata, and h: keys with merge headers", async () => {
    expect(
      await refused({
        ...two,
        mergeData: { "alice@example.com": { "v:x": 1 } },
        mergeMetadata: { "alice@example.com": { x: 2 } },
      }),
    ).toBe("Mailgun does not support mergeData keys starting with 'v:' with mergeMetadata");
    expect(
      await refused({
        ...two,
        mergeGlobalData: { "H:Subject": "x" },
        mergeHeaders: { "alice@example.com": { "X-A": "1" } },
      }),
    ).toBe("Mailgun does not support mergeData keys starting with 'h:' with mergeHeaders");
  });

  it("refuses more than 1000 recipients in one message", async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `r${i}@example.com`);
    expect(await refused({ ...baseMessage, to })).toBe(
      "Mailgun does not support more than 1000 recipients",
    );
    // A batch send whose cc and bcc alone fill a call can't be split either.
    const cc = Array.from({ length: 1000 }, (_, i) => `c${i}@example.com`);
    expect(await refused({ ...baseMessage, to: "a@example.com", cc, mergeData: {} })).toBe(
      "Mailgun does not support more than 1000 recipients",
    );
  });

  it("splits a batch send over 1000 recipients into calls that fit, cc in every call", () => {
    const to = Array.from({ length: 2001 }, (_, i) => `r${i}@example.com`);
    const message = prepareMessage({ ...baseMessage, to, cc: "boss@example.com", mergeData: {} });
    expect(mailgunFeatures().quirks.some((q) => q.when(message))).toBe(false);
    const parts = mailgun({ apiKey: "k", apiUrl: server.apiUrl }).split!(message);
    expect(parts.map((p) => p.to.length)).toEqual([999, 999, 3]);
    expect(parts.every((p) => p.cc.length === 1)).toBe(true);
  });

  it("supports every standard field: only quirks in the table", () => {
    const features = mailgunFeatures();
    expect(features.unsupported).toEqual([]);
    expect(features.quirks.map((q) => q.feature)).toContain("EAI in from");
    expect(
      mailgunFeatures({ checkDisplayNames: false }).quirks.map((q) => q.feature),
    ).not.toContain("non-ASCII display names with punctuation");
    for (const quirk of features.quirks) expect(quirk.description).toBeTruthy();
  });

  it("sends best effort with ignoreUnsupportedFeatures (inline without cid → attachment)", async () => {
    const mailer = createMailer({
      provider: mailgun({ apiKey: "k", apiUrl: server.apiUrl }),
      retry: false,
      ignoreUnsupportedFeatures: true,
    });
    await mailer.send({
      ...baseMessage,
      attachments: [{ filename: "a.png", content: "x", contentType: "image/png", inline: true }],
    });
    await mailer.close();
    const form = await server.last().form();
    expect((form.get("attachment") as File).name).toBe("a.png");
    expect(form.get("inline")).toBeNull();
  });
});
