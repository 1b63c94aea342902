// SPEC §9: the official `postmark` SDK sends through the Postmark personality.
import { ServerClient } from "postmark";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index.js";

let emu: Emulator;
let client: ServerClient;

beforeAll(async () => {
  emu = await startEmulator({ provider: "postmark", port: 0, rateLimit: false });
  const { host } = new URL(emu.url);
  client = new ServerClient("sdk-token", { useHttps: false, requestHost: host });
});
afterAll(() => emu.close());

describe("the official postmark SDK against the emulator", () => {
  it("sends one email", async () => {
    const response = await client.sendEmail({
      From: "shop@example.com",
      To: "ana@example.org",
      Subject: "From the SDK",
      TextBody: "Hello",
      Tag: "sdk",
      Metadata: { source: "sdk" },
    });
    expect(response.ErrorCode).toBe(0);
    expect(response.To).toBe("ana@example.org");
    const stored = emu.emails.find((email) => email.id === response.MessageID)!;
    expect(stored).toMatchObject({
      subject: "From the SDK",
      tags: ["sdk"],
      metadata: { source: "sdk" },
    });
  });

  it("sends a batch and a template batch, one result per message", async () => {
    const batch = await client.sendEmailBatch([
      { From: "shop@example.com", To: "a@example.org", Subject: "1", TextBody: "one" },
      { From: "shop@example.com", To: "b@example.org", Subject: "2", TextBody: "two" },
    ]);
    expect(batch.map((r) => r.ErrorCode)).toEqual([0, 0]);
    const templated = await client.sendEmailWithTemplate({
      From: "shop@example.com",
      To: "c@example.org",
      TemplateAlias: "welcome",
      TemplateModel: { name: "C" },
    });
    expect(templated.ErrorCode).toBe(0);
    const templates = await client.sendEmailBatchWithTemplates([
      { From: "shop@example.com", To: "d@example.org", TemplateId: 7, TemplateModel: {} },
    ]);
    expect(templates[0]!.ErrorCode).toBe(0);
  });

  it("surfaces Postmark's error shape as the SDK's typed error", async () => {
    const error = (await client
      .sendEmail({ From: "", To: "ana@example.org", Subject: "x", TextBody: "x" })
      .catch((e: unknown) => e)) as { code?: number; statusCode?: number; message?: string };
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(300);
    expect(error.message).toContain("Invalid 'From' address");
  });
});
