import { createMailer } from "@anymail/core";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { Resend } from "resend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";

// Resend's hosted templates, end to end: the official SDK creates and publishes a template in
// the emulator, then @anymail/resend sends through it with templateId + merge data.
const KEY = "re_templates_key";
let emu: ResendEmulator;
let templateId: string;

beforeAll(async () => {
  emu = await startResendEmulator({ port: 0, rateLimit: false });
  const sdk = new Resend(KEY, { baseUrl: emu.url });
  const created = await sdk.templates.create({
    name: "receipt",
    alias: "receipt",
    subject: "Your {{{SHOP}}} receipt",
    html: "<p>Hi {{{NAME}}}, you paid {{{TOTAL}}}.</p>",
    variables: [
      { key: "SHOP", type: "string", fallbackValue: "Lamps" },
      { key: "NAME", type: "string" },
      { key: "TOTAL", type: "number" },
    ],
  } as never);
  expect(created.error).toBeNull();
  templateId = created.data?.id as string;
  const published = await sdk.templates.publish(templateId);
  expect(published.error).toBeNull();
});
afterAll(async () => {
  await emu.close();
});

function mailer() {
  return createMailer({ provider: resend({ apiKey: KEY, apiUrl: emu.url }), retry: false });
}

describe("Resend hosted templates through the emulator", () => {
  it("renders templateId + mergeGlobalData on a single send", async () => {
    emu.reset();
    await mailer().send({
      from: "shop@example.com",
      to: "ana@example.org",
      templateId,
      mergeGlobalData: { NAME: "Ana", TOTAL: 12 },
    });
    expect(emu.emails[0]).toMatchObject({
      subject: "Your Lamps receipt",
      html: "<p>Hi Ana, you paid 12.</p>",
      template: { id: templateId, variables: { NAME: "Ana", TOTAL: 12 } },
    });
  });

  it("sends mergeData as a batch, each recipient's variables over the global ones (by alias)", async () => {
    emu.reset();
    const result = await mailer().send({
      from: "shop@example.com",
      to: ["ana@example.org", "bo@example.org"],
      templateId: "receipt",
      mergeGlobalData: { SHOP: "Bulbs", TOTAL: 0 },
      mergeData: {
        "ana@example.org": { NAME: "Ana", TOTAL: 10 },
        "bo@example.org": { NAME: "Bo" },
      },
    });
    expect(Object.keys(result.recipients)).toEqual(["ana@example.org", "bo@example.org"]);
    expect(emu.emails.map((e) => [e.to, e.subject, e.html])).toEqual([
      [["ana@example.org"], "Your Bulbs receipt", "<p>Hi Ana, you paid 10.</p>"],
      [["bo@example.org"], "Your Bulbs receipt", "<p>Hi Bo, you paid 0.</p>"],
    ]);
  });

  it("gets Resend's error for a missing variable, and nothing is stored", async () => {
    emu.reset();
    await expect(
      mailer().send({
        from: "shop@example.com",
        to: "ana@example.org",
        templateId,
        mergeGlobalData: { NAME: "Ana" },
      }),
    ).rejects.toMatchObject({
      code: "api_error",
      statusCode: 422,
      providerCode: "validation_error",
    });
    expect(emu.emails).toHaveLength(0);
  });

  it("gets a 404 for an unknown template", async () => {
    await expect(
      mailer().send({
        from: "shop@example.com",
        to: "ana@example.org",
        subject: "x",
        templateId: "nope",
      }),
    ).rejects.toMatchObject({ code: "api_error", statusCode: 404 });
  });

  it("refuses html beside a template before any HTTP call", async () => {
    emu.reset();
    await expect(
      mailer().send({
        from: "shop@example.com",
        to: "ana@example.org",
        html: "<p>x</p>",
        templateId,
      }),
    ).rejects.toMatchObject({
      code: "unsupported_feature",
      feature: "html or text with a templateId",
    });
    expect(emu.emails).toHaveLength(0);
  });
});
