import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("bounded memory", () => {
  it("keeps at most retention.maxEmails emails, dropping the oldest", async () => {
    const emu = await emulator({ retention: { maxEmails: 5, maxEvents: 8 } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push((await call(emu, "POST", "/emails", { body: basicEmail })).json.id as string);
    expect(emu.emails.map((email) => email.id)).toEqual(ids.slice(-5));
    expect((await sdk(emu).emails.get(ids[0]!)).error?.statusCode).toBe(404);
    await emu.waitForDeliveries();
    expect(emu.events.length).toBeLessThanOrEqual(8);
  });

  it("bounds inbound mail and the delivery log", async () => {
    const emu = await emulator({
      retention: { maxEmails: 100, maxReceived: 2, maxDeliveries: 3 },
      webhooks: [{ url: "http://127.0.0.1:9/closed" }],
      webhookRetryScheduleMs: [0],
    });
    for (let i = 0; i < 4; i++)
      await emu.receive({
        from: "a@example.org",
        to: "b@example.com",
        subject: `s${i}`,
        text: "t",
      });
    await emu.waitForDeliveries();
    expect(emu.received.map((email) => email.subject)).toEqual(["s2", "s3"]);
    expect(emu.deliveries.length).toBeLessThanOrEqual(3);
  });

  it("rejects invalid retention and rate options", async () => {
    await expect(emulator({ retention: { maxEmails: 0 } })).rejects.toMatchObject({
      code: "invalid_options",
    });
    await expect(emulator({ rateLimit: { requestsPerSecond: 0 } })).rejects.toMatchObject({
      code: "invalid_options",
    });
    await expect(emulator({ webhookRetryScheduleMs: [] })).rejects.toMatchObject({
      code: "invalid_options",
    });
    await expect(emulator({ port: 70000 })).rejects.toMatchObject({ code: "invalid_options" });
  });
});
