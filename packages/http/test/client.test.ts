import type { AnymailAPIError, LogRecord } from "@anymail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiErrorFromResponse,
  createHttpClient,
  defineRedaction,
  type HttpClient,
  toEspResponse,
} from "../src/index.js";
import { closedPort, startDroppingServer, startServer } from "./support/server.js";

let server: Awaited<ReturnType<typeof startServer>>;
let dropping: Awaited<ReturnType<typeof startDroppingServer>>;

beforeAll(async () => {
  server = await startServer({
    "/ok": (_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"id":"1"}'),
    "/echo": (req, res, body) =>
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          method: req.method,
          auth: req.headers.authorization ?? null,
          body: body.toString(),
        }),
      ),
    "/slow-headers": () => {},
    "/slow-body": (_req, res) => {
      res.writeHead(200);
      res.write("partial");
    },
    "/big": (_req, res) => res.writeHead(200).end(Buffer.alloc(64 * 1024, 97)),
    "/big-chunked": (_req, res) => {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(4096, 98));
      res.end();
    },
    "/limited": (_req, res) =>
      res
        .writeHead(429, { "retry-after": "7", "content-type": "application/json" })
        .end('{"message":"slow down"}'),
    "/redirect": (_req, res) => res.writeHead(302, { location: "/echo" }).end(),
    "/error": (_req, res) =>
      res
        .writeHead(401, { "x-echo": "key tok_live_123456789" })
        .end('{"message":"bad key tok_live_123456789"}'),
  });
  dropping = await startDroppingServer();
});

afterAll(async () => {
  await server.close();
  await dropping.close();
});

async function failure(promise: Promise<unknown>): Promise<AnymailAPIError> {
  const outcome = await promise.then(
    () => new Error("expected the request to fail"),
    (error: unknown) => error,
  );
  expect(outcome).toHaveProperty("code", "api_error");
  return outcome as AnymailAPIError;
}

// The edge build (what workerd, Deno and browsers resolve), run here on Node: it never
// loads undici and finds the runtime's fetch on its own. Built by `pnpm build` first.
const edge = (await import(new URL("../dist/edge/index.js", import.meta.url).href)) as {
  createHttpClient: typeof createHttpClient;
};

// The same cases on every path a request can take.
const transports: [string, () => HttpClient][] = [
  ["undici", () => createHttpClient({ provider: "Example" })],
  [
    "fetch",
    () => createHttpClient({ provider: "Example", fetch: (url, init) => fetch(url, init) }),
  ],
  [
    "the edge build (runtime fetch, found on its own)",
    () => edge.createHttpClient({ provider: "Example" }),
  ],
];

describe.each(transports)("createHttpClient over %s", (_name, make) => {
  it("resolves every status with the body as text", async () => {
    const http = make();
    const ok = await http.request({
      method: "GET",
      url: `${server.origin}/ok`,
      headers: {},
      timeoutMs: 5_000,
    });
    expect(ok).toMatchObject({ status: 200, body: '{"id":"1"}' });
    expect(ok.headers["content-type"]).toBe("application/json");
    const missing = await http.request({
      method: "GET",
      url: `${server.origin}/nope`,
      headers: {},
      timeoutMs: 5_000,
    });
    expect(missing.status).toBe(404);
    await http.close();
  });

  it("a 429 with Retry-After becomes a retryable error that says when", async () => {
    const http = make();
    const response = toEspResponse(
      await http.request({
        method: "POST",
        url: `${server.origin}/limited`,
        headers: {},
        body: "{}",
        timeoutMs: 5_000,
      }),
    );
    expect(response).toMatchObject({ status: 429, body: { message: "slow down" } });
    const error = apiErrorFromResponse("Example", response, { retryable: true });
    expect(error).toMatchObject({ statusCode: 429, retryable: true, retryAfterMs: 7_000 });
    await http.close();
  });

  it("a closed port is kind connect: provably never written", async () => {
    const http = make();
    const port = await closedPort();
    const error = await failure(
      http.request({
        method: "POST",
        url: `http://127.0.0.1:${port}/x`,
        headers: {},
        body: "{}",
        timeoutMs: 5_000,
      }),
    );
    expect(error).toMatchObject({ kind: "connect", retryable: true, provider: "Example" });
    expect(error.requestWritten).toBe(false);
    expect(error.message).toContain("Could not connect");
    await http.close();
  });

  it("a server that accepts the request then drops the connection is kind network: ambiguous", async () => {
    const http = make();
    const error = await failure(
      http.request({
        method: "POST",
        url: `${dropping.origin}/x`,
        headers: {},
        body: "{}",
        timeoutMs: 5_000,
      }),
    );
    expect(error).toMatchObject({ kind: "network", retryable: true });
    expect(error.requestWritten).toBe(true);
    await http.close();
  });

  it("headers that don't come within timeoutMs are a retryable timeout", async () => {
    const http = make();
    const error = await failure(
      http.request({
        method: "GET",
        url: `${server.origin}/slow-headers`,
        headers: {},
        timeoutMs: 80,
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.message).toContain("timed out after 80 ms");
    await http.close();
  });

  it("a body that stalls is a retryable timeout", async () => {
    const http = make();
    const error = await failure(
      http.request({
        method: "GET",
        url: `${server.origin}/slow-body`,
        headers: {},
        timeoutMs: 80,
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    await http.close();
  });

  it.each([100, 1_500])(
    "a short timeoutMs (%i ms) fires on time, not on undici's 0.5 s tick",
    async (timeoutMs) => {
      const http = make();
      const started = performance.now();
      await failure(
        http.request({
          method: "GET",
          url: `${server.origin}/slow-headers`,
          headers: {},
          timeoutMs,
        }),
      );
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
      // undici's own timer fired at ~1 000 ms for 100 and ~2 000 ms for 1 500.
      expect(elapsed).toBeLessThan(timeoutMs + 300);
      await http.close();
    },
  );

  it("aborting the caller's signal mid-request is a non-retryable deadline error", async () => {
    const http = make();
    const controller = new AbortController();
    const request = http.request({
      method: "POST",
      url: `${server.origin}/slow-headers`,
      headers: {},
      body: "{}",
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const error = await failure(request);
    expect(error).toMatchObject({ kind: "timeout", retryable: false });
    expect(error.message).toContain("deadline passed or it was cancelled");
    await http.close();
  });

  it("an already aborted signal fails before any request", async () => {
    const http = make();
    const error = await failure(
      http.request({
        method: "GET",
        url: `${server.origin}/ok`,
        headers: {},
        timeoutMs: 1_000,
        signal: AbortSignal.abort(),
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", retryable: false });
    await http.close();
  });

  it("stops reading past maxResponseBytes, declared or streamed", async () => {
    const http = make();
    for (const path of ["/big", "/big-chunked"]) {
      const error = await failure(
        http.requestBytes({
          method: "GET",
          url: `${server.origin}${path}`,
          headers: {},
          timeoutMs: 5_000,
          maxResponseBytes: 10_000,
        }),
      );
      expect(error).toMatchObject({ kind: "invalid_response", retryable: false });
      expect(error.message).toContain("larger than 10000 bytes");
    }
    const whole = await http.requestBytes({
      method: "GET",
      url: `${server.origin}/big-chunked`,
      headers: {},
      timeoutMs: 5_000,
      maxResponseBytes: 65_536,
    });
    expect(whole.bytes.byteLength).toBe(65_536);
    await http.close();
  });

  it("follows redirects only when asked, and never with an authorization header", async () => {
    const http = make();
    const plain = await http.request({
      method: "GET",
      url: `${server.origin}/redirect`,
      headers: {},
      timeoutMs: 5_000,
    });
    expect(plain.status).toBe(302);
    const followed = await http.request({
      method: "GET",
      url: `${server.origin}/redirect`,
      headers: {},
      timeoutMs: 5_000,
      followRedirects: 2,
    });
    expect(followed.status).toBe(200);
    expect(JSON.parse(followed.body)).toMatchObject({ method: "GET", auth: null });
    const withKey = await http.request({
      method: "GET",
      url: `${server.origin}/redirect`,
      headers: { authorization: "Bearer secret" },
      timeoutMs: 5_000,
      followRedirects: 2,
    });
    expect(withKey.status).toBe(302);
    await http.close();
  });
});

describe("debugApiRequests", () => {
  it("logs each request and response through the request's logger, secrets redacted", async () => {
    const records: LogRecord[] = [];
    const http = createHttpClient({
      provider: "Example",
      debugApiRequests: true,
      redaction: defineRedaction({ patterns: [/\btok_\w+/g], keys: ["x-example-token"] }),
    });
    await http.request({
      method: "POST",
      url: `${server.origin}/error`,
      headers: {
        authorization: "Bearer tok_live_123456789",
        "x-example-token": "abc",
        "content-type": "application/json",
      },
      body: '{"key":"tok_live_123456789","to":"ana@example.org"}',
      timeoutMs: 5_000,
      logger: (record) => records.push(record),
    });
    expect(records.map((r) => r.message)).toEqual([
      `Example API request POST ${server.origin}/error`,
      `Example API response POST ${server.origin}/error → 401`,
    ]);
    expect(records.every((r) => r.level === "debug")).toBe(true);
    const text = JSON.stringify(records);
    expect(text).not.toContain("tok_live");
    expect(text).toContain("ana@example.org");
    expect(records[1]).toMatchObject({ status: 401 });
    await http.close();
  });

  it("logs nothing without the option", async () => {
    const records: LogRecord[] = [];
    const http = createHttpClient({ provider: "Example" });
    await http.request({
      method: "GET",
      url: `${server.origin}/ok`,
      headers: {},
      timeoutMs: 5_000,
      logger: (r) => records.push(r),
    });
    expect(records).toEqual([]);
    await http.close();
  });
});
