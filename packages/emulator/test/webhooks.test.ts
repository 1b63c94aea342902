import { Webhook } from "svix";
import { describe, expect, it } from "vitest";
import type { ResendEmulator } from "../src/index.js";
import {
  basicEmail,
  type HookReceiver,
  emulator,
  sdk,
  startHookReceiver,
  verifyHook,
} from "./helpers.js";

/** Verifies every received webhook with svix and returns the payloads in arrival order. */
function verifiedPayloads(emu: ResendEmulator, receiver: HookReceiver) {
  const secret = emu.webhooks[0]!.secret;
  return receiver.hooks.map((hook) => verifyHook(secret, hook));
}

async function sendAndSettle(to: string, extra: Record<string, unknown> = {}) {
  const receiver = await startHookReceiver();
  const emu = await emulator({ webhooks: [{ url: receiver.url }] });
  const { data } = await sdk(emu).emails.send({ ...basicEmail, to, ...extra });
  await emu.waitForDeliveries();
  return { emu, receiver, id: data!.id, payloads: verifiedPayloads(emu, receiver) };
}

describe("webhook events for Resend's test addresses", () => {
  it("delivered@ → email.sent then email.delivered, svix-signed, Resend-shaped", async () => {
    const { emu, id, payloads, receiver } = await sendAndSettle("delivered@resend.dev", {
      tags: [{ name: "category", value: "welcome" }],
      headers: { "X-Metadata": '{"user":"42"}', "X-Tags": '["a"]' },
    });
    expect(emu.webhooks[0]!.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(payloads.map((payload) => payload.type)).toEqual(["email.sent", "email.delivered"]);
    const [sent] = payloads;
    expect(Object.keys(sent!)).toEqual(["type", "created_at", "data"]);
    expect(sent!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sent!.data).toMatchObject({
      email_id: id,
      from: basicEmail.from,
      to: ["delivered@resend.dev"],
      subject: "Hello",
      tags: { category: "welcome" },
      headers: [
        { name: "X-Metadata", value: '{"user":"42"}' },
        { name: "X-Tags", value: '["a"]' },
      ],
    });
    expect(sent!.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const hook = receiver.hooks[0]!;
    expect(hook.headers["svix-id"]).toMatch(/^msg_[0-9A-Za-z]{27}$/);
    expect(hook.headers["webhook-id"]).toBe(hook.headers["svix-id"]);
    expect(hook.headers["content-type"]).toBe("application/json");
    expect(emu.emails[0]!.lastEvent).toBe("delivered");
    expect(
      emu.deliveries.every((delivery) => delivery.ok && delivery.attempt === 1 && delivery.final),
    ).toBe(true);
  });

  it("bounced+label@ → email.sent then email.bounced with a bounce object", async () => {
    const { payloads, emu } = await sendAndSettle("Someone <bounced+signup@resend.dev>");
    expect(payloads.map((payload) => payload.type)).toEqual(["email.sent", "email.bounced"]);
    expect(payloads[1]!.data.bounce).toMatchObject({
      type: "Permanent",
      subType: "General",
      message: expect.stringContaining("bounce message"),
      diagnosticCode: [expect.stringMatching(/^smtp; 550/)],
    });
    expect(emu.emails[0]!.lastEvent).toBe("bounced");
  });

  it("complained@ → sent, delivered, complained", async () => {
    const { payloads, emu } = await sendAndSettle("complained@resend.dev");
    // The emulator emits them in this order; deliveries may overtake each other on the wire
    // (as with Resend), so arrival is compared as a set.
    expect(emu.events.map((event) => event.type)).toEqual([
      "email.sent",
      "email.delivered",
      "email.complained",
    ]);
    expect(payloads.map((payload) => payload.type).sort()).toEqual([
      "email.complained",
      "email.delivered",
      "email.sent",
    ]);
    expect(emu.emails[0]!.lastEvent).toBe("complained");
  });

  it("suppressed@ → email.suppressed only", async () => {
    const { payloads, emu } = await sendAndSettle("suppressed@resend.dev");
    expect(payloads.map((payload) => payload.type)).toEqual(["email.suppressed"]);
    expect(payloads[0]!.data.suppressed).toMatchObject({
      type: "OnAccountSuppressionList",
      reason: "previous_bounce",
    });
    expect(emu.emails[0]!.lastEvent).toBe("suppressed");
  });

  it("delivers a scheduled email's email.scheduled first", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator({ webhooks: [{ url: receiver.url }] });
    await sdk(emu).emails.send({ ...basicEmail, scheduledAt: "in 10 min" });
    await emu.waitForDeliveries();
    expect(verifiedPayloads(emu, receiver).map((payload) => payload.type)).toEqual([
      "email.scheduled",
    ]);
    emu.flushScheduled({ all: true });
    await emu.waitForDeliveries();
    expect(verifiedPayloads(emu, receiver).map((payload) => payload.type)).toEqual([
      "email.scheduled",
      "email.sent",
      "email.delivered",
    ]);
  });
});

describe("webhook delivery", () => {
  it("uses one secret per endpoint and honours event filters", async () => {
    const all = await startHookReceiver();
    const onlyDelivered = await startHookReceiver();
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const emu = await emulator({
      webhooks: [{ url: all.url }, { url: onlyDelivered.url, secret, events: ["email.delivered"] }],
    });
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    expect(emu.webhooks[1]!.secret).toBe(secret);
    expect(emu.webhooks[0]!.secret).not.toBe(secret);
    expect(all.hooks.map((hook) => verifyHook(emu.webhooks[0]!.secret, hook).type)).toEqual([
      "email.sent",
      "email.delivered",
    ]);
    expect(onlyDelivered.hooks.map((hook) => verifyHook(secret, hook).type)).toEqual([
      "email.delivered",
    ]);
    expect(() =>
      new Webhook(emu.webhooks[0]!.secret).verify(
        onlyDelivered.hooks[0]!.rawBody,
        onlyDelivered.hooks[0]!.headers as Record<string, string>,
      ),
    ).toThrow(/No matching signature/);
  });

  it("retries failures on the schedule with a stable svix-id and logs each attempt", async () => {
    const receiver = await startHookReceiver();
    receiver.statuses.push(500, 503);
    const emu = await emulator({
      webhooks: [{ url: receiver.url, events: ["email.sent"] }],
      webhookRetryScheduleMs: [0, 10, 10, 10],
    });
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    expect(
      emu.deliveries.map((delivery) => [
        delivery.attempt,
        delivery.status,
        delivery.ok,
        delivery.final,
      ]),
    ).toEqual([
      [1, 500, false, false],
      [2, 503, false, false],
      [3, 204, true, true],
    ]);
    const ids = new Set(receiver.hooks.map((hook) => hook.headers["svix-id"]));
    expect(ids.size).toBe(1);
    for (const hook of receiver.hooks)
      expect(verifyHook(emu.webhooks[0]!.secret, hook).type).toBe("email.sent");
  });

  it("gives up after the last scheduled attempt and records network errors", async () => {
    const emu = await emulator({
      webhooks: [{ url: "http://127.0.0.1:9/unreachable", events: ["email.sent"] }],
      webhookRetryScheduleMs: [0, 5],
    });
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    expect(emu.deliveries).toHaveLength(2);
    expect(emu.deliveries[1]).toMatchObject({ attempt: 2, ok: false, final: true, status: null });
    expect(emu.deliveries[1]!.error).toBeTruthy();
  });

  it("emit() injects opened, clicked, failed and delivery_delayed events", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator({ webhooks: [{ url: receiver.url }] });
    const { data } = await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    await emu.emit(data!.id, "email.opened");
    await emu.emit(data!.id, "email.clicked", { click: { link: "https://shop.example.com/cart" } });
    await emu.emit(data!.id, "email.delivery_delayed");
    await emu.emit(data!.id, "email.failed", { failed: { reason: "invalid_recipient" } });
    await emu.waitForDeliveries();
    const payloads = verifiedPayloads(emu, receiver);
    expect(payloads.map((payload) => payload.type)).toEqual([
      "email.sent",
      "email.delivered",
      "email.opened",
      "email.clicked",
      "email.delivery_delayed",
      "email.failed",
    ]);
    expect(payloads[3]!.data.click).toMatchObject({
      link: "https://shop.example.com/cart",
      ipAddress: expect.any(String),
      userAgent: expect.any(String),
      timestamp: expect.any(String),
    });
    expect(payloads[5]!.data.failed).toEqual({ reason: "invalid_recipient" });
    expect(emu.emails[0]!.lastEvent).toBe("failed");
    await expect(
      emu.emit("0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10", "email.opened"),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(emu.emit(data!.id, "email.teleported")).rejects.toMatchObject({
      code: "invalid_input",
    });
    // The neutral kind names the same event.
    expect((await emu.emit(data!.id, "opened")).type).toBe("email.opened");
  });

  it("addWebhook() adds an endpoint at runtime with a generated secret", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator();
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    const endpoint = emu.addWebhook({ url: receiver.url });
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(receiver.hooks.map((hook) => verifyHook(endpoint.secret, hook).data.email_id)).toEqual([
      emu.emails[1]!.id,
      emu.emails[1]!.id,
    ]);
    expect(() => emu.addWebhook({ url: "ftp://nope" })).toThrow(/http/);
    expect(() => emu.addWebhook({ url: receiver.url, secret: 42 as unknown as string })).toThrow(
      /secret/,
    );
  });

  it("records events even without webhooks and times out waiting on a predicate that never holds", async () => {
    const emu = await emulator();
    await sdk(emu).emails.send(basicEmail);
    await emu.waitForDeliveries();
    expect(emu.events.map((event) => event.type)).toEqual(["email.sent", "email.delivered"]);
    await expect(
      emu.waitForDeliveries((deliveries) => deliveries.length > 0, { timeoutMs: 20 }),
    ).rejects.toMatchObject({
      code: "timeout",
    });
  });
});

describe("slow receivers", () => {
  it("counts a receiver that never answers as a failed attempt after webhookTimeoutMs", async () => {
    const { createServer } = await import("node:http");
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { port } = hanging.address() as import("node:net").AddressInfo;
    try {
      const emu = await emulator({
        webhooks: [{ url: `http://127.0.0.1:${port}/hooks`, events: ["email.sent"] }],
        webhookRetryScheduleMs: [0],
        webhookTimeoutMs: 30,
      });
      await sdk(emu).emails.send(basicEmail);
      await emu.waitForDeliveries();
      expect(emu.deliveries).toHaveLength(1);
      expect(emu.deliveries[0]).toMatchObject({
        ok: false,
        final: true,
        status: null,
        error: expect.stringMatching(/no response/),
      });
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});
