import type { ChildProcess } from "node:child_process";
import { createRedisReplayStore } from "@anymail/webhooks/redis";
import { Redis } from "ioredis";
import { Webhook } from "svix";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forkHelper, stopHelper } from "./support/fork.js";
import { startRedis, type TestRedis } from "./support/redis-server.js";

const SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.connection);
});
beforeEach(async () => {
  await client.flushall();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

/** A Resend `email.delivered` delivery, signed with svix as Resend signs it. */
function delivery(id: string) {
  const body = JSON.stringify({
    type: "email.delivered",
    created_at: "2026-12-01T10:15:06.318Z",
    data: {
      email_id: `email-${id}`,
      created_at: "2026-12-01T10:15:03.120431+00:00",
      from: "Shop <orders@example.com>",
      to: ["ana@example.org"],
      subject: "Order",
    },
  });
  const at = new Date();
  return {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(SIGNING_SECRET).sign(id, at, body),
    },
  };
}

async function startWebhookProcess(label: string, extra: Record<string, string> = {}) {
  const { child, ready } = await forkHelper<{ port: number }>("./webhook-process.mjs", {
    REDIS_PORT: String(redis.port),
    SIGNING_SECRET,
    LABEL: label,
    ...extra,
  });
  return { child, url: `http://127.0.0.1:${ready.port}/anymail/resend/tracking` };
}

describe("createRedisReplayStore across processes", () => {
  const processes: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => stopHelper(p)));
  });

  it("two webhook processes get the same delivery at once: the handler runs once", async () => {
    const a = await startWebhookProcess("A");
    const b = await startWebhookProcess("B");
    processes.push(a.child, b.child);
    for (let round = 0; round < 5; round++) {
      const request = delivery(`msg_concurrent_${round}`);
      const responses = await Promise.all([fetch(a.url, request), fetch(b.url, request)]);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      const texts = await Promise.all(responses.map((r) => r.text()));
      expect(texts.filter((t) => t.trim() === "Already handled")).toHaveLength(1);
    }
    const handled = await client.lrange("handled", 0, -1);
    expect(handled).toHaveLength(5);
    // And a later redelivery to either process is acknowledged without the handler.
    const again = await fetch(b.url, delivery("msg_concurrent_0"));
    expect((await again.text()).trim()).toBe("Already handled");
    expect(await client.llen("handled")).toBe(5);
  });

  it("a delivery whose handler failed is handled again on redelivery, once", async () => {
    const failing = await startWebhookProcess("F", { FAIL_FIRST: "1", HANDLER_MS: "10" });
    const healthy = await startWebhookProcess("H", { HANDLER_MS: "10" });
    processes.push(failing.child, healthy.child);
    const request = delivery("msg_fails_first");
    expect((await fetch(failing.url, request)).status).toBe(500);
    // The failed claim expires (claimMs 1.5 s); the ESP's redelivery, to any process, runs.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const redelivered = await fetch(healthy.url, request);
    expect(redelivered.status).toBe(200);
    expect((await redelivered.text()).trim()).not.toBe("Already handled");
    expect(await client.lrange("handled", 0, -1)).toEqual([
      `F delivered email-msg_fails_first`,
      `H delivered email-msg_fails_first`,
    ]);
  });
});

describe("createRedisReplayStore", () => {
  it("remembers a handled key for ttlSeconds, shared by two stores", async () => {
    const one = createRedisReplayStore({ connection: redis.connection, ttlSeconds: 1 });
    const two = createRedisReplayStore({ connection: client });
    try {
      expect(await one.has("k")).toBe(false);
      await one.add("k");
      expect(await two.has("k")).toBe(true);
      expect(await client.ttl("anymail:webhook:k")).toBeGreaterThan(0);
    } finally {
      await one.close();
      await two.close();
    }
    // The shared instance stays open.
    expect(await client.ping()).toBe("PONG");
  });

  it("a copy that waits longer than waitMs throws, so the ESP retries later", async () => {
    const one = createRedisReplayStore({ connection: client, waitMs: 200 });
    expect(await one.has("busy")).toBe(false);
    await expect(one.has("busy")).rejects.toMatchObject({ code: "anymail_error" });
  });

  it("refuses bad options with typed errors", () => {
    expect(() => createRedisReplayStore({ connection: client, ttlSeconds: 0 })).toThrowError(
      expect.objectContaining({ code: "configuration_error" }),
    );
    expect(() => createRedisReplayStore({ connection: undefined as never })).toThrowError(
      expect.objectContaining({ code: "configuration_error" }),
    );
  });
});
