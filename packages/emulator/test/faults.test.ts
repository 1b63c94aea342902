import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("fault injection", () => {
  it("answers injected errors with the chosen status and stores nothing", async () => {
    const emu = await emulator({ faults: { "POST /emails": { errorRate: 1, errorStatus: 503 } } });
    const { error } = await sdk(emu).emails.send(basicEmail);
    expect(error).toMatchObject({ statusCode: 503, name: "application_error" });
    expect(emu.emails).toHaveLength(0);
    expect((await call(emu, "GET", "/emails")).status).toBe(200);
  });

  it("resets the connection before anything is stored", async () => {
    const emu = await emulator({ faults: { "POST /emails": { resetRate: 1 } } });
    const { error } = await sdk(emu).emails.send(basicEmail);
    expect(error).toMatchObject({ statusCode: null, name: "application_error" });
    expect(emu.emails).toHaveLength(0);
  });

  it("accepts then drops the response: the email IS stored and an idempotent retry gets the same id", async () => {
    const emu = await emulator({ faults: { "POST /emails": { dropResponseRate: 1 } } });
    const resend = sdk(emu);
    const dropped = await resend.emails.send(basicEmail, { idempotencyKey: "order-1" });
    expect(dropped.error).toMatchObject({ statusCode: null });
    expect(emu.emails).toHaveLength(1);
    emu.setFaults(undefined);
    const retry = await resend.emails.send(basicEmail, { idempotencyKey: "order-1" });
    expect(retry.data?.id).toBe(emu.emails[0]!.id);
    expect(emu.emails).toHaveLength(1);
  });

  it("applies '*' to endpoints without their own rule and is deterministic for a seed", async () => {
    const outcomes = async (seed: number) => {
      const emu = await emulator({ seed, faults: { "*": { errorRate: 0.5, errorStatus: 500 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await call(emu, "GET", "/emails")).status);
      return statuses;
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await outcomes(8)).not.toEqual(first);
  });

  it("adds latency and keeps idempotency reservations while waiting", async () => {
    const emu = await emulator({ faults: { "POST /emails/batch": { latencyMs: 30 } } });
    const { error } = await sdk(emu).batch.send([basicEmail]);
    expect(error).toBeNull();
    expect(emu.emails).toHaveLength(1);
  });

  it("answers injected 429s with retry-after", async () => {
    const emu = await emulator({ faults: { "POST /emails": { errorRate: 1, errorStatus: 429 } } });
    const { error, headers } = await sdk(emu).emails.send(basicEmail);
    expect(error?.name).toBe("rate_limit_exceeded");
    expect(headers?.["retry-after"]).toBe("1");
  });

  it("afterRequests and maxFaults fault exactly the n-th request, then pass again", async () => {
    const emu = await emulator({
      faults: { "GET /emails": { errorRate: 1, errorStatus: 503, afterRequests: 1, maxFaults: 2 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(emu, "GET", "/emails")).status);
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
    // Setting the rules again starts counting again.
    emu.setFaults({ "GET /emails": { errorRate: 1, errorStatus: 503, maxFaults: 1 } });
    statuses.length = 0;
    for (let i = 0; i < 2; i++) statuses.push((await call(emu, "GET", "/emails")).status);
    expect(statuses).toEqual([503, 200]);
  });
});
