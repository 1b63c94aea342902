import type { IncomingMessage, Server, ServerResponse } from "node:http";

/**
 * One request the capture server received.
 *
 * @example
 * ```ts
 * const [request]: CapturedRequest[] = server.requests;
 * request?.json(); // the JSON body the provider sent
 * ```
 */
export interface CapturedRequest {
  readonly method: string;
  /** Path and query, e.g. `/emails?x=1`. */
  readonly url: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (throws when it isn't). */
  json(): unknown;
}

/**
 * What the capture server answers: a status, headers and a body (an object is sent as
 * JSON), optionally after a delay; or `drop` to close the connection without answering
 * (a request that was written and then lost: the ambiguous case).
 *
 * @example
 * ```ts
 * const reply: CaptureReply = { status: 429, headers: { "retry-after": "1" }, body: { name: "rate_limited" } };
 * ```
 */
export interface CaptureReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Record<string, unknown> | unknown[];
  delayMs?: number;
  drop?: boolean;
}

/**
 * A scripted answer: a fixed reply, or one computed from the request.
 *
 * @example
 * ```ts
 * const refuseSecond: CaptureScript = (request) =>
 *   request.text().includes("bob@") ? { status: 422, body: { ErrorCode: 300 } } : { body: { id: "1" } };
 * ```
 */
export type CaptureScript = CaptureReply | ((request: CapturedRequest) => CaptureReply);

/**
 * A local HTTP server (127.0.0.1) that records every request and answers as scripted;
 * see {@link startCaptureServer}.
 *
 * @example
 * ```ts
 * const server: CaptureServer = await startCaptureServer();
 * server.url; // "http://127.0.0.1:40123/"
 * ```
 */
export interface CaptureServer {
  /** Base URL, ending with `/`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: CapturedRequest[];
  /** Answers every later request with this (until replaced). */
  reply(script: CaptureScript): void;
  /** Answers the next request(s) with these, in order, before falling back to `reply`. */
  replyOnce(...scripts: CaptureScript[]): void;
  /** Forgets requests and scripts; answers the default again. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Options of {@link startCaptureServer}.
 *
 * @example
 * ```ts
 * await startCaptureServer({ reply: { status: 200, body: { id: "msg_1" } } });
 * ```
 */
export interface CaptureServerOptions {
  /** The default answer. Default `200` with `{ "id": "captured-<n>" }`. */
  reply?: CaptureScript;
}

const decoder = new TextDecoder();

/**
 * Starts a capture server on 127.0.0.1 and a free port: a provider test points its
 * `apiUrl` at it, sends, then asserts on `server.requests` (the payload mapping) and
 * scripts answers (errors, rate limits, per-recipient refusals, dropped connections).
 * Framework-free: works under vitest, Jest, node:test or mocha.
 *
 * @example
 * ```ts
 * import { startCaptureServer } from "@anymail/core/testing";
 *
 * const server = await startCaptureServer();
 * server.replyOnce({ status: 503 }, { status: 200, body: { id: "msg_1" } });
 * const mailer = createMailer({ provider: example({ apiKey: "k", apiUrl: server.url }) });
 * await mailer.send(message);
 * server.requests.length; // 2 (one retry)
 * server.requests[1]?.json(); // what the provider sent
 * await server.close();
 * ```
 */
export async function startCaptureServer(
  options: CaptureServerOptions = {},
): Promise<CaptureServer> {
  // Loaded here, not at import: the rest of the testing entry runs anywhere.
  const { createServer } = await import("node:http");
  const requests: CapturedRequest[] = [];
  const queued: CaptureScript[] = [];
  let fallback: CaptureScript | undefined = options.reply;
  const open = new Set<ServerResponse>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const whole = Buffer.concat(chunks);
      const body = new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      const captured: CapturedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers,
        body,
        text: () => decoder.decode(body),
        json: () => JSON.parse(decoder.decode(body)),
      };
      requests.push(captured);
      const script = queued.shift() ?? fallback;
      const reply: CaptureReply =
        typeof script === "function"
          ? script(captured)
          : (script ?? { status: 200, body: { id: `captured-${requests.length}` } });
      open.add(res);
      res.once("close", () => open.delete(res));
      const answer = () => {
        if (reply.drop === true) {
          res.socket?.destroy();
          return;
        }
        const isJson =
          reply.body !== undefined &&
          typeof reply.body !== "string" &&
          !(reply.body instanceof Uint8Array);
        const payload = isJson ? JSON.stringify(reply.body) : (reply.body ?? "");
        res.writeHead(reply.status ?? 200, {
          ...(isJson ? { "content-type": "application/json" } : {}),
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs !== undefined && reply.delayMs > 0) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    reply(script) {
      fallback = script;
    },
    replyOnce(...scripts) {
      queued.push(...scripts);
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
      fallback = options.reply;
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
