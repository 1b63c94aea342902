import type { InboundEvent, LogRecord, TrackingEvent } from "@anymail/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebhookHandlerOptions } from "../../src/index.js";
import type { Endpoint } from "./endpoint.js";
import {
  basic,
  nextId,
  SIGNING_SECRET,
  testProvider,
  signHeaders,
  trackingPayload,
  WRONG_SECRET,
} from "./signing.js";

/** Shared state the suite's handler writes to. */
export interface Recorder {
  tracking: TrackingEvent[];
  inbound: InboundEvent[];
  logs: LogRecord[];
  /** Make the next N handler calls throw. */
  failNext: number;
}

export function recordingOptions(recorder: Recorder): WebhookHandlerOptions {
  return {
    providers: [testProvider()],
    basicAuth: ["anymail:current-password", "anymail:previous-password"],
    maxBodyBytes: 4096,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    logger: (record) => recorder.logs.push(record),
    onTracking: async (event) => {
      if (recorder.failNext > 0) {
        recorder.failNext--;
        throw new Error("database is down");
      }
      recorder.tracking.push(event);
    },
    onInbound: async (event) => {
      recorder.inbound.push(event);
    },
  };
}

const PATH = "/anymail/test/tracking";
/** The suite's `bodyTimeoutMs`: slow-body tests must get their 408 at about this time. */
export const BODY_TIMEOUT_MS = 800;
const AUTH = basic("anymail:current-password");

function signedPost(body: string, headers: Record<string, string> = {}, auth = AUTH): RequestInit {
  return {
    method: "POST",
    body,
    headers: { ...signHeaders(body), authorization: auth, ...headers },
  };
}

/**
 * The behaviour every adapter must show, run against one way of serving the handler.
 * `start` receives the handler options and returns the endpoint.
 */
export function describeWebhookEndpoint(
  name: string,
  start: (options: WebhookHandlerOptions) => Promise<Endpoint>,
  capabilities: { wrongMethod: boolean } = { wrongMethod: true },
): void {
  describe(`${name}: webhook endpoint behaviour`, () => {
    const recorder: Recorder = { tracking: [], inbound: [], logs: [], failNext: 0 };
    let endpoint: Endpoint;

    beforeAll(async () => {
      endpoint = await start(recordingOptions(recorder));
    });
    afterAll(() => endpoint.close());
    beforeEach(() => {
      recorder.tracking.length = 0;
      recorder.inbound.length = 0;
      recorder.logs.length = 0;
      recorder.failNext = 0;
    });

    it("accepts a signed delivery and hands on the normalized event", async () => {
      const body = JSON.stringify(trackingPayload("delivered"));
      const response = await endpoint.send(PATH, signedPost(body));
      expect(response.status).toBe(200);
      expect(recorder.tracking).toHaveLength(1);
      expect(recorder.tracking[0]).toMatchObject({
        eventType: "delivered",
        recipient: "ana@example.org",
        tags: ["order"],
        metadata: { order: 4411 },
      });
    });

    it("accepts a trailing slash", async () => {
      const body = JSON.stringify(trackingPayload());
      expect((await endpoint.send(`${PATH}/`, signedPost(body))).status).toBe(200);
    });

    it("answers HEAD with 200", async () => {
      const response = await endpoint.send(PATH, { method: "HEAD" });
      expect(response.status).toBe(200);
    });

    if (capabilities.wrongMethod) {
      it("answers a wrong method with 405 and Allow", async () => {
        const response = await endpoint.send(PATH, { method: "GET" });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("POST, HEAD");
      });
    }

    it("answers an unknown provider or kind with 404", async () => {
      const body = JSON.stringify(trackingPayload());
      expect((await endpoint.send("/anymail/postmark/tracking", signedPost(body))).status).toBe(
        404,
      );
      expect((await endpoint.send("/anymail/test/bounces", signedPost(body))).status).toBe(404);
    });

    it("rejects a tampered body with 401 and calls no handler", async () => {
      const body = JSON.stringify(trackingPayload());
      const init = signedPost(body);
      init.body = body.replace("ana@", "eve@");
      expect((await endpoint.send(PATH, init)).status).toBe(401);
      expect(recorder.tracking).toHaveLength(0);
    });

    it("rejects the wrong secret, a stale timestamp and missing headers with 401", async () => {
      const body = JSON.stringify(trackingPayload());
      const wrong = {
        method: "POST",
        body,
        headers: { ...signHeaders(body, { secret: WRONG_SECRET }), authorization: AUTH },
      };
      expect((await endpoint.send(PATH, wrong)).status).toBe(401);
      const staleAt = new Date(Date.now() - 10 * 60 * 1000);
      const stale = {
        method: "POST",
        body,
        headers: { ...signHeaders(body, { at: staleAt }), authorization: AUTH },
      };
      expect((await endpoint.send(PATH, stale)).status).toBe(401);
      const bare = {
        method: "POST",
        body,
        headers: { "content-type": "application/json", authorization: AUTH },
      };
      expect((await endpoint.send(PATH, bare)).status).toBe(401);
      expect(recorder.tracking).toHaveLength(0);
    });

    it("rejects malformed JSON and non-JSON content with 400", async () => {
      expect((await endpoint.send(PATH, signedPost('{"type": "email.sent", '))).status).toBe(400);
      const text = signedPost("hello there", { "content-type": "text/plain" });
      const response = await endpoint.send(PATH, text);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/not valid (UTF-8 )?JSON/);
      expect(recorder.tracking).toHaveLength(0);
    });

    it("rejects an oversized body with 413", async () => {
      const big = JSON.stringify(trackingPayload("sent", { padding: "x".repeat(8000) }));
      const response = await endpoint.send(PATH, signedPost(big));
      expect(response.status).toBe(413);
      expect(recorder.tracking).toHaveLength(0);
    });

    it("checks basic auth: missing or wrong → 401 with WWW-Authenticate; a rotated credential works", async () => {
      const body = JSON.stringify(trackingPayload());
      const missing = await endpoint.send(PATH, {
        method: "POST",
        body,
        headers: signHeaders(body),
      });
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toMatch(/^Basic /);
      const wrong = await endpoint.send(PATH, signedPost(body, {}, basic("anymail:guess")));
      expect(wrong.status).toBe(401);
      const rotated = await endpoint.send(
        PATH,
        signedPost(body, {}, basic("anymail:previous-password")),
      );
      expect(rotated.status).toBe(200);
      expect(recorder.tracking).toHaveLength(1);
    });

    it("answers 500 when the handler throws, and processes the redelivery", async () => {
      const body = JSON.stringify(trackingPayload("opened"));
      const id = nextId();
      const init = () => ({
        method: "POST",
        body,
        headers: { ...signHeaders(body, { id }), authorization: AUTH },
      });
      recorder.failNext = 1;
      expect((await endpoint.send(PATH, init())).status).toBe(500);
      expect(recorder.tracking).toHaveLength(0);
      expect((await endpoint.send(PATH, init())).status).toBe(200);
      expect(recorder.tracking).toHaveLength(1);
      expect(recorder.tracking[0]!.eventId).toBe(id);
    });

    it("calls the handler once for a duplicate delivery", async () => {
      const body = JSON.stringify(
        trackingPayload("clicked", { click: { link: "https://x.test", userAgent: "UA" } }),
      );
      const id = nextId();
      const init = () => ({
        method: "POST",
        body,
        headers: { ...signHeaders(body, { id }), authorization: AUTH },
      });
      expect((await endpoint.send(PATH, init())).status).toBe(200);
      expect((await endpoint.send(PATH, init())).status).toBe(200);
      expect(recorder.tracking).toHaveLength(1);
    });

    it("answers 408 at bodyTimeoutMs to a body that stops arriving (stalled upload)", async () => {
      const body = JSON.stringify(trackingPayload());
      const headers = {
        ...signHeaders(body),
        authorization: AUTH,
        "content-length": String(Buffer.byteLength(body)),
      };
      const started = performance.now();
      const status = await endpoint.sendSlowly(PATH, headers, [body.slice(0, 20)]);
      const elapsed = performance.now() - started;
      expect(status).toBe(408);
      expect(elapsed).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(recorder.tracking).toHaveLength(0);
    }, 15_000);

    it("answers 408 at bodyTimeoutMs to a body trickling 1 byte every 0.5 s (slowloris)", async () => {
      const body = JSON.stringify(trackingPayload());
      const headers = {
        ...signHeaders(body),
        authorization: AUTH,
        "content-length": String(Buffer.byteLength(body)),
      };
      const trickle = [...body.slice(0, 16)].flatMap((byte) => [byte, 500]);
      const started = performance.now();
      const status = await endpoint.sendSlowly(PATH, headers, trickle);
      const elapsed = performance.now() - started;
      expect(status).toBe(408);
      // Each byte arrives well within the timeout: only a limit on the whole body stops it.
      expect(elapsed).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(16 * 500);
      expect(recorder.tracking).toHaveLength(0);
    }, 15_000);

    it("never logs a secret", async () => {
      const body = JSON.stringify(trackingPayload());
      await endpoint.send(PATH, signedPost(body, {}, basic("anymail:guess")));
      await endpoint.send(PATH, {
        method: "POST",
        body,
        headers: { ...signHeaders(body, { secret: WRONG_SECRET }), authorization: AUTH },
      });
      recorder.failNext = 1;
      await endpoint.send(PATH, signedPost(body));
      const logged = JSON.stringify(recorder.logs);
      expect(recorder.logs.length).toBeGreaterThan(0);
      for (const secret of [
        SIGNING_SECRET,
        testProvider,
        WRONG_SECRET,
        "current-password",
        "previous-password",
        "anymail:guess",
      ]) {
        expect(logged).not.toContain(secret);
      }
    });
  });
}
