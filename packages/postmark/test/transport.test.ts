// Postmark has no idempotency key: what may have reached Postmark is never sent twice.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AnymailAPIError, createMailer } from "@anymail/core";
import { afterEach, describe, expect, it } from "vitest";
import { postmark } from "../src/index.js";
import { DEFAULT_RESPONSE } from "./support/capture-server.js";

const message = { from: "a@example.com", to: "to@example.com", subject: "s", text: "t" };
const servers: Server[] = [];

async function serve(onRequest: (count: number, res: import("node:http").ServerResponse) => void) {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => onRequest(++count, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, count: () => count };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as AnymailAPIError,
  );

describe("Postmark transport failures", () => {
  it("retries a refused connection: nothing was written", async () => {
    const { url } = await serve((_, res) => res.end());
    const server = servers.pop()!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const mailer = createMailer({
      provider: postmark({ serverToken: "t", apiUrl: url }),
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const error = await failure(mailer.send(message));
    expect(error).toBeInstanceOf(AnymailAPIError);
    // Never connected: provably not accepted, so retryable.
    expect(error.kind).toBe("connect");
    expect(error.requestWritten).toBe(false);
    expect(error.retryable).toBe(true);
  });

  it("does not retry a connection lost after the request was sent", async () => {
    const server = await serve((_, res) => res.socket?.destroy());
    const mailer = createMailer({
      provider: postmark({ serverToken: "t", apiUrl: server.url }),
      retry: { attempts: 3 },
    });
    const error = await failure(mailer.send(message));
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("may have accepted");
    expect(server.count()).toBe(1);
  });

  it("does not retry a timeout after the request was sent", async () => {
    const server = await serve(() => {
      // never answers
    });
    const mailer = createMailer({
      provider: postmark({ serverToken: "t", apiUrl: server.url, timeoutMs: 200 }),
      retry: { attempts: 3 },
    });
    const error = await failure(mailer.send(message));
    expect(error.kind).toBe("timeout");
    expect(error.retryable).toBe(false);
    expect(server.count()).toBe(1);
  });

  it("retries a 503 (Postmark answered: not accepted) until it succeeds", async () => {
    const server = await serve((count, res) => {
      if (count < 3) {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
        res.end(JSON.stringify({ ErrorCode: 503, Message: "Service unavailable" }));
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(DEFAULT_RESPONSE);
      }
    });
    const mailer = createMailer({
      provider: postmark({ serverToken: "t", apiUrl: server.url }),
      retry: { attempts: 3 },
    });
    const result = await mailer.send(message);
    expect(result.status).toEqual(new Set(["sent"]));
    expect(server.count()).toBe(3);
  });

  it("honours Retry-After on a 429 and never retries a 401", async () => {
    const limited = await serve((_, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end(JSON.stringify({ ErrorCode: 429, Message: "Rate limit exceeded" }));
    });
    let error = await failure(
      createMailer({
        provider: postmark({ serverToken: "t", apiUrl: limited.url }),
        retry: false,
      }).send(message),
    );
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.providerCode).toBe("429");

    const unauthorized = await serve((_, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          ErrorCode: 10,
          Message: "No Account or Server API tokens were supplied in the HTTP headers.",
        }),
      );
    });
    error = await failure(
      createMailer({
        provider: postmark({ serverToken: "t", apiUrl: unauthorized.url }),
        retry: { attempts: 3 },
      }).send(message),
    );
    expect(error.statusCode).toBe(401);
    expect(error.providerCode).toBe("10");
    expect(error.retryable).toBe(false);
    expect(unauthorized.count()).toBe(1);
  });

  it("keeps the server token out of errors and log records", async () => {
    const server = await serve((_, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("boom");
    });
    const records: unknown[] = [];
    const mailer = createMailer({
      provider: postmark({ serverToken: "super-secret-token", apiUrl: server.url }),
      retry: false,
      logger: (record) => records.push(record),
    });
    const error = await failure(
      mailer.send({ ...message, espExtra: { server_token: "per-message-secret" } }),
    );
    const seen = JSON.stringify([records, error, error.response, error.message, error.stack]);
    expect(seen).not.toContain("super-secret-token");
    expect(seen).not.toContain("per-message-secret");
    expect(records.length).toBeGreaterThan(0);
  });
});
