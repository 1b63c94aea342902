import type { IncomingMessage, ServerResponse } from "node:http";
import { bytesBody } from "./body-source.js";
import type { WebhookInput } from "./engine.js";
import { nodeBody } from "./node-body.js";
import type { WebhookReply } from "./reply.js";

/** How to read a Node request. */
export interface NodeRequestOptions {
  /** Body bytes a framework already read (Express `express.raw()`, Fastify's buffer parser). */
  body?: Uint8Array;
  /** The path as the client sent it (Express rewrites `req.url` under a mount point). */
  originalUrl?: string;
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/2 pseudo-headers (":path") are not valid header names for `Headers`.
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[i + 1]!);
  }
  return headers;
}

/**
 * The engine's view of a Node request: headers, URL and a body source, without a Web
 * `Request` (one is built only if a handler reads `context.request`).
 */
export function fromNodeRequest(
  request: IncomingMessage,
  options: NodeRequestOptions = {},
): WebhookInput {
  const headers = headersOf(request);
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = headers.get("host") ?? "localhost";
  const url = new URL(
    options.originalUrl ?? request.url ?? "/",
    `${encrypted ? "https" : "http"}://${host}`,
  );
  const method = request.method ?? "GET";
  const kept = options.body;
  // The framework already consumed the stream; the length header must match the copy.
  if (kept !== undefined) headers.set("content-length", String(kept.byteLength));
  const href = url.href;
  return {
    method,
    url: href,
    pathname: url.pathname,
    headers,
    body: kept === undefined ? nodeBody(request) : bytesBody(kept),
    toRequest: (body) =>
      method === "GET" || method === "HEAD"
        ? new Request(href, { method, headers })
        : new Request(href, { method, headers, body: body as Uint8Array<ArrayBuffer> }),
  };
}

/**
 * Writes a reply to a Node response. When the request body was not read to the end
 * (413, 401), the connection is closed after the answer instead of draining it.
 */
export function sendReply(
  reply: WebhookReply,
  target: ServerResponse,
  request?: IncomingMessage,
): void {
  target.statusCode = reply.status;
  for (const name in reply.headers) target.setHeader(name, reply.headers[name]!);
  if (request !== undefined && !request.complete) target.setHeader("connection", "close");
  if (reply.body === "") {
    target.end();
    return;
  }
  target.setHeader("content-length", Buffer.byteLength(reply.body));
  target.end(reply.body);
}
