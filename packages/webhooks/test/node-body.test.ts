import { createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import type { TrackingEvent } from "@anymail/core";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anymailExpress } from "../src/express.js";
import { anymailFastify } from "../src/fastify.js";
import type { BodyReadResult } from "../src/internal/body-source.js";
import { createDeadlines } from "../src/internal/deadlines.js";
import { nodeBody } from "../src/internal/node/body.js";
import type { WebhookEventContext, WebhookHandlerOptions } from "../src/index.js";
import { createWebhookHandler } from "../src/index.js";
import { chunked, rawExchange } from "./support/raw-http.js";
import { listen } from "./support/servers.js";
import { signHeaders, trackingPayload, testProvider } from "./support/signing.js";

const PATH = "/anymail/test/tracking";

describe("Express reading the body from the Node stream", () => {
  const events: TrackingEvent[] = [];
  const contexts: WebhookEventContext[] = [];
  let server: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    const app = express();
    app.use(
      "/anymail",
      anymailExpress({
        providers: [testProvider()],
        maxBodyBytes: 4096,
        bodyTimeoutMs: 300,
        logger: () => {},
        onTracking: (event, context) => {
          events.push(event);
          contexts.push(context);
        },
      }),
    );
    server = await listen(app);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    events.length = 0;
    contexts.length = 0;
  });

  it("waits for a body sent in slow pieces and verifies the exact bytes", async () => {
    const body = JSON.stringify(trackingPayload("opened"));
    const half = Math.floor(body.length / 2);
    const answer = await rawExchange(
      server.url,
      PATH,
      { ...signHeaders(body), "transfer-encoding": "chunked" },
      [chunked(body.slice(0, half)), 50, chunked(body.slice(half)), 30, "0\r\n\r\n"],
    );
    expect(answer.status).toBe(200);
    expect(events.map((event) => event.eventType)).toEqual(["opened"]);
  });

  it("answers 408 and closes the connection when the body stops arriving", async () => {
    const body = JSON.stringify(trackingPayload());
    const answer = await rawExchange(
      server.url,
      PATH,
      { ...signHeaders(body), "content-length": String(Buffer.byteLength(body)) },
      [body.slice(0, 40)],
    );
    expect(answer.status).toBe(408);
    expect(answer.head.toLowerCase()).toContain("connection: close");
    expect(events).toEqual([]);
  });

  it("stops at the limit while reading a chunked body without content-length (413)", async () => {
    const filler = "x".repeat(1500);
    const answer = await rawExchange(
      server.url,
      PATH,
      { "content-type": "application/json", "transfer-encoding": "chunked" },
      [chunked(filler), chunked(filler), chunked(filler), chunked(filler)],
    );
    expect(answer.status).toBe(413);
    expect(answer.head.toLowerCase()).toContain("connection: close");
  });

  it("builds context.request on demand, with the request's headers and exact body", async () => {
    const body = JSON.stringify(trackingPayload());
    const response = await fetch(`${server.url}${PATH}?source=test`, {
      method: "POST",
      body,
      headers: { ...signHeaders(body), "x-trace": "t-1" },
    });
    expect(response.status).toBe(200);
    const request = contexts[0]!.request;
    expect(request).toBe(contexts[0]!.request);
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`${server.url}${PATH}?source=test`);
    expect(request.headers.get("x-trace")).toBe("t-1");
    expect(await request.text()).toBe(body);
  });
});

describe("Fastify and handle(): context.request", () => {
  const seen: WebhookEventContext[] = [];
  const options = (): WebhookHandlerOptions => ({
    providers: [testProvider()],
    logger: () => {},
    onTracking: (_event, context) => {
      seen.push(context);
    },
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it("Fastify: a Request with the headers and the bytes anymail read", async () => {
    const app = Fastify();
    await app.register(anymailFastify, { prefix: "/anymail", ...options() });
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const body = JSON.stringify(trackingPayload());
      const response = await fetch(`${base}${PATH}`, {
        method: "POST",
        body,
        headers: signHeaders(body),
      });
      expect(response.status).toBe(200);
      const request = seen[0]!.request;
      expect(request.headers.get("x-test-delivery-id")).toMatch(/^dlv_/);
      expect(request.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
      expect(await request.text()).toBe(body);
    } finally {
      await app.close();
    }
  });

  it("handle(): the very Request that was passed in", async () => {
    const handler = createWebhookHandler(options());
    const body = JSON.stringify(trackingPayload());
    const request = new Request(`https://app.example${PATH}`, {
      method: "POST",
      body,
      headers: signHeaders(body),
    });
    expect((await handler.handle(request)).status).toBe(200);
    expect(seen[0]!.request).toBe(request);
    expect(seen[0]!.provider).toBe("test");
    expect(seen[0]!.kind).toBe("tracking");
  });
});

describe("nodeBody: a client that disconnects mid-body", () => {
  it("settles the read as aborted (not after the 20 s body timeout)", async () => {
    let result: Promise<BodyReadResult> | undefined;
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = createServer((request) => {
      result = Promise.resolve(nodeBody(request).read(4096, createDeadlines(20_000)));
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`POST ${PATH} HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{"type":`);
      });
      socket.on("error", () => {});
      await requestArrived;
      socket.destroy();
      // Without the abort ending the read this would wait out the 20 s timeout, and the
      // test would fail on vitest's own time limit instead.
      await expect(result).resolves.toEqual({ ok: false, reason: "aborted" });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 15_000);
});
