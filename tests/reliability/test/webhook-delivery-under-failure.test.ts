import type { TrackingEvent } from "@anymail/core";
import { createMailer } from "@anymail/core";
import { resend, resendWebhooks } from "@anymail/resend";
import { startResendEmulator } from "@anymail/emulator";
import { createWebhookHandler } from "@anymail/webhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { seededRandom } from "@anymail/emulator/testing";
import { startWebServer, type WebServer } from "./helpers/web-server.js";

const SIGNING_SECRET = `whsec_${Buffer.from("reliability-signing-secret-24b").toString("base64")}`;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

/** Redeliver often enough that 30% failures (plus lost acks) still end in success. */
const RETRY_SCHEDULE_MS = [0, 5, 10, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300];

describe("webhook delivery under failure", () => {
  it("handler fails 30% of the time and acks get lost: every event handled exactly once", async () => {
    const random = seededRandom(30);
    const handledOk = new Map<string, number>();
    const handlerCalls = { total: 0, failed: 0 };
    const handler = createWebhookHandler({
      providers: [resendWebhooks({ signingSecret: SIGNING_SECRET })],
      logger: () => {},
      onTracking: async (event: TrackingEvent) => {
        handlerCalls.total++;
        if (random() < 0.3) {
          handlerCalls.failed++;
          throw new Error("simulated handler failure");
        }
        const id = event.eventId ?? "missing";
        handledOk.set(id, (handledOk.get(id) ?? 0) + 1);
      },
    });
    // 10% of successful deliveries lose their 200 on the way back: the emulator must
    // redeliver, and the replay store must stop the handler from running twice.
    let lostAcks = 0;
    const server: WebServer = await startWebServer(async (request) => {
      const response = await handler.handle(request);
      if (response.status === 200 && random() < 0.1) {
        lostAcks++;
        return new Response("ack lost", { status: 502 });
      }
      return response;
    });
    cleanup.push(() => server.close());

    const emu = await startResendEmulator({
      port: 0,
      seed: 31,
      rateLimit: false,
      deliveryDelayMs: 1,
      webhookRetryScheduleMs: RETRY_SCHEDULE_MS,
      webhooks: [{ url: `${server.url}/anymail/resend/tracking`, secret: SIGNING_SECRET }],
    });
    cleanup.push(() => emu.close());
    const mailer = createMailer({
      provider: resend({ apiKey: "re_webhook_soak", apiUrl: emu.url }),
    });
    cleanup.push(() => mailer.close());

    const sends = 150;
    const outcomes = await mailer.sendMany(
      Array.from({ length: sends }, (_, i) => ({
        from: "hooks@example.com",
        to: `delivered+${i}@resend.dev`,
        subject: `hook ${i}`,
        text: "x",
      })),
      { concurrency: 16 },
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);

    // Wait until every delivery has settled (succeeded or exhausted its schedule).
    await emu.waitForDeliveries(undefined, { timeoutMs: 60_000 });

    const emitted = emu.events.length;
    console.log(
      `webhook soak: ${sends} sends, ${emitted} events, ${emu.deliveries.length} delivery attempts, ` +
        `${handlerCalls.total} handler calls (${handlerCalls.failed} failed on purpose), ${lostAcks} lost acks, ` +
        `${handledOk.size} events handled`,
    );

    // sent + delivered per email.
    expect(emitted).toBe(sends * 2);
    expect(handledOk.size).toBe(emitted);
    expect(new Set(handledOk.keys())).toEqual(new Set(emu.events.map((e) => e.svixId)));
    const twice = [...handledOk].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    expect(handledOk.has("missing")).toBe(false);
    // The failures really happened.
    expect(handlerCalls.failed).toBeGreaterThan(0);
    expect(lostAcks).toBeGreaterThan(0);
    expect(emu.deliveries.length).toBeGreaterThan(emitted);
  });

  it("a delivery captured off the wire and replayed after the tolerance is refused", async () => {
    const handled: string[] = [];
    const handler = createWebhookHandler({
      providers: [resendWebhooks({ signingSecret: SIGNING_SECRET })],
      logger: () => {},
      onTracking: async (event: TrackingEvent) => {
        handled.push(event.eventId ?? "");
      },
    });
    const captured: { headers: [string, string][]; body: Uint8Array }[] = [];
    const server = await startWebServer(async (request) => {
      const body = new Uint8Array(await request.clone().arrayBuffer());
      captured.push({ headers: [...request.headers], body });
      return handler.handle(request);
    });
    cleanup.push(() => server.close());
    const emu = await startResendEmulator({
      port: 0,
      rateLimit: false,
      webhooks: [
        {
          url: `${server.url}/anymail/resend/tracking`,
          secret: SIGNING_SECRET,
          events: ["email.sent"],
        },
      ],
    });
    cleanup.push(() => emu.close());
    const mailer = createMailer({
      provider: resend({ apiKey: "re_capture_key", apiUrl: emu.url }),
    });
    cleanup.push(() => mailer.close());
    await mailer.send({
      from: "a@example.com",
      to: "b@example.org",
      subject: "capture",
      text: "x",
    });
    await emu.waitForDeliveries(undefined, { timeoutMs: 10_000 });
    expect(captured).toHaveLength(1);
    expect(handled).toHaveLength(1);

    const replay = () =>
      handler.handle(
        new Request(`${server.url}/anymail/resend/tracking`, {
          method: "POST",
          headers: captured[0]!.headers,
          body: captured[0]!.body as unknown as BodyInit,
        }),
      );
    // Immediately: a duplicate, acknowledged without a second handler call.
    expect((await replay()).status).toBe(200);
    expect(handled).toHaveLength(1);
    // After the tolerance: refused outright.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 5 * 60_000 + 5_000);
      expect((await replay()).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
    expect(handled).toHaveLength(1);
  });
});
