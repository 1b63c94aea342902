import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("rate limits and quotas", () => {
  it("sends ratelimit-* headers on every response and 429 with retry-after above the limit", async () => {
    const now = Date.parse("2026-11-20T10:00:00.250Z");
    const emu = await emulator({ rateLimit: { requestsPerSecond: 2 }, now: () => now });
    const resend = sdk(emu);
    const first = await resend.emails.send(basicEmail);
    expect(first.headers).toMatchObject({
      "ratelimit-limit": "2",
      "ratelimit-remaining": "1",
      "ratelimit-reset": "1",
      "ratelimit-policy": "2;w=1",
    });
    const second = await resend.emails.get(first.data!.id);
    expect(second.headers?.["ratelimit-remaining"]).toBe("0");
    const third = await resend.emails.send(basicEmail);
    expect(third.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(third.headers).toMatchObject({ "retry-after": "1", "ratelimit-remaining": "0" });
    expect(emu.emails).toHaveLength(1);
  });

  it("counts per API key and resets with the next window", async () => {
    let now = Date.parse("2026-11-20T10:00:00.000Z");
    const emu = await emulator({ rateLimit: { requestsPerSecond: 1 }, now: () => now });
    expect((await sdk(emu, "re_a").emails.send(basicEmail)).error).toBeNull();
    expect((await sdk(emu, "re_b").emails.send(basicEmail)).error).toBeNull();
    expect((await sdk(emu, "re_a").emails.send(basicEmail)).error?.statusCode).toBe(429);
    now += 1000;
    expect((await sdk(emu, "re_a").emails.send(basicEmail)).error).toBeNull();
  });

  it("defaults to 5 requests per second", async () => {
    const now = Date.parse("2026-11-20T10:00:00.000Z");
    const emu = await emulator({ rateLimit: undefined, now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(emu, "GET", "/emails")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it("answers 429 daily_quota_exceeded once the daily quota is used", async () => {
    let now = Date.parse("2026-11-20T10:00:00Z");
    const emu = await emulator({ dailyQuota: 3, now: () => now });
    const resend = sdk(emu);
    expect((await resend.batch.send([basicEmail, basicEmail])).error).toBeNull();
    expect((await resend.batch.send([basicEmail, basicEmail])).error).toMatchObject({
      statusCode: 429,
      name: "daily_quota_exceeded",
    });
    expect((await resend.emails.send(basicEmail)).error).toBeNull();
    expect((await resend.emails.send(basicEmail)).error?.name).toBe("daily_quota_exceeded");
    expect(emu.emails).toHaveLength(3);
    now += 86_400_000;
    expect((await resend.emails.send(basicEmail)).error).toBeNull();
  });
});
