import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk, until } from "./helpers.js";

describe("Idempotency-Key", () => {
  it("replays the original response for the same key and body, storing nothing new", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const first = await resend.emails.send(basicEmail, { idempotencyKey: "welcome-user/1" });
    const second = await resend.emails.send(basicEmail, { idempotencyKey: "welcome-user/1" });
    expect(second.data?.id).toBe(first.data!.id);
    expect(emu.emails).toHaveLength(1);
    await emu.waitForDeliveries();
    expect(emu.events.filter((event) => event.type === "email.sent")).toHaveLength(1);
  });

  it("compares bodies canonically (key order does not matter)", async () => {
    const emu = await emulator();
    const a = await call(emu, "POST", "/emails", {
      body: { a: 1, ...basicEmail },
      headers: { "idempotency-key": "k" },
    });
    const reordered = {
      text: basicEmail.text,
      subject: basicEmail.subject,
      to: basicEmail.to,
      from: basicEmail.from,
      a: 1,
    };
    const b = await call(emu, "POST", "/emails", {
      body: reordered,
      headers: { "idempotency-key": "k" },
    });
    expect(b.json).toEqual(a.json);
    expect(emu.emails).toHaveLength(1);
  });

  it("answers 409 invalid_idempotent_request for the same key with another body", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    await resend.emails.send(basicEmail, { idempotencyKey: "k1" });
    const clash = await resend.emails.send(
      { ...basicEmail, subject: "Other" },
      { idempotencyKey: "k1" },
    );
    expect(clash.error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
    expect(emu.emails).toHaveLength(1);
  });

  it("answers 409 concurrent_idempotent_requests while the first request is in flight", async () => {
    const emu = await emulator({ faults: { "POST /emails": { latencyMs: 300 } } });
    const resend = sdk(emu);
    const slow = resend.emails.send(basicEmail, { idempotencyKey: "k2" });
    await until(() => emu.idempotency.size === 1);
    const concurrent = await resend.emails.send(basicEmail, { idempotencyKey: "k2" });
    expect(concurrent.error).toMatchObject({
      statusCode: 409,
      name: "concurrent_idempotent_requests",
    });
    expect((await slow).error).toBeNull();
    expect(emu.emails).toHaveLength(1);
  });

  it("rejects keys outside 1–256 characters with 400 invalid_idempotency_key", async () => {
    const emu = await emulator();
    for (const key of ["", "x".repeat(257)]) {
      const res = await call(emu, "POST", "/emails", {
        body: basicEmail,
        headers: { "idempotency-key": key },
      });
      expect(res.json).toMatchObject({ statusCode: 400, name: "invalid_idempotency_key" });
    }
    const max = await call(emu, "POST", "/emails", {
      body: basicEmail,
      headers: { "idempotency-key": "x".repeat(256) },
    });
    expect(max.status).toBe(200);
    expect(emu.emails).toHaveLength(1);
  });

  it("forgets keys after 24 hours on the injected clock", async () => {
    let now = Date.parse("2026-11-20T10:00:00Z");
    const emu = await emulator({ now: () => now });
    const resend = sdk(emu);
    const first = await resend.emails.send(basicEmail, { idempotencyKey: "daily" });
    now += 23 * 3_600_000;
    expect((await resend.emails.send(basicEmail, { idempotencyKey: "daily" })).data?.id).toBe(
      first.data!.id,
    );
    now += 2 * 3_600_000;
    const later = await resend.emails.send(basicEmail, { idempotencyKey: "daily" });
    expect(later.data?.id).not.toBe(first.data!.id);
    expect(emu.emails).toHaveLength(2);
  });

  it("does not cache failures: a corrected retry with the same key goes through", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const bad = await resend.emails.send(
      { ...basicEmail, from: "broken" },
      { idempotencyKey: "fix-me" },
    );
    expect(bad.error?.statusCode).toBe(422);
    const retry = await resend.emails.send(
      { ...basicEmail, from: "broken" },
      { idempotencyKey: "fix-me" },
    );
    expect(retry.error?.statusCode).toBe(422);
    const fixed = await resend.emails.send(basicEmail, { idempotencyKey: "fix-me" });
    expect(fixed.error).toBeNull();
  });

  it("covers a whole batch", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const batch = [basicEmail, { ...basicEmail, subject: "two" }];
    const first = await resend.batch.send(batch, { idempotencyKey: "batch-1" });
    const replay = await resend.batch.send(batch, { idempotencyKey: "batch-1" });
    expect(replay.data).toEqual(first.data);
    expect(emu.emails).toHaveLength(2);
    const clash = await resend.batch.send([basicEmail], { idempotencyKey: "batch-1" });
    expect(clash.error?.name).toBe("invalid_idempotent_request");
  });

  it("stays bounded", async () => {
    const emu = await emulator({ retention: { maxEmails: 100, maxIdempotencyKeys: 3 } });
    for (let i = 0; i < 5; i++)
      await call(emu, "POST", "/emails", {
        body: basicEmail,
        headers: { "idempotency-key": `k${i}` },
      });
    expect(emu.idempotency.size).toBe(3);
  });
});
