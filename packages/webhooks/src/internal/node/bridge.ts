import type { IncomingMessage, ServerResponse } from "node:http";
import { bytesBody } from "../body-source.js";
import type { WebhookInput } from "../input.js";
import type { WebhookReply } from "../reply.js";
import { nodeBody } from "./body.js";
import { NodeRequestHeaders } from "./headers.js";

/** How to read a Node request. */
export interface NodeRequestOptions {
  /** Body bytes a framework already read (Express `express.raw()`, Fastify's buffer parser). */
  body?: Uint8Array;
  /** The path as the client sent it (Express rewrites `req.url` under a mount point). */
  originalUrl?: string;
}

/** The parts of a request URL the engine needs. */
interface ParsedUrl {
  readonly href: string;
  readonly pathname: string;
}

const URL_CACHE_LIMIT = 256;
// ESPs post to the same few URLs over and over: parse each once. Bounded (cleared when
// full) because the keys come from the client.
const parsedUrls = new Map<string, ParsedUrl | null>();

/** `new URL(path, origin)`, remembered; null when it does not parse. */
function parseUrl(path: string, origin: string): ParsedUrl | null {
  const key = `${origin} ${path}`;
  let parsed = parsedUrls.get(key);
  if (parsed === undefined) {
    try {
      const url = new URL(path, origin);
      parsed = { href: url.href, pathname: url.pathname };
    } catch {
      parsed = null;
    }
    if (parsedUrls.size >= URL_CACHE_LIMIT) parsedUrls.clear();
    parsedUrls.set(key, parsed);
  }
  return parsed;
}

/**
 * The engine's view of a Node request: headers, URL and a body source, without a Web
 * `Request` (one is built only if a handler reads `context.request`).
 */
export function fromNodeRequest(
  request: IncomingMessage,
  options: NodeRequestOptions = {},
): WebhookInput {
  const headers = new NodeRequestHeaders(request.rawHeaders);
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const origin = `${encrypted ? "https" : "http"}://${headers.get("host") ?? "localhost"}`;
  const url = parseUrl(options.originalUrl ?? request.url ?? "/", origin);
  // As `new URL` would have thrown before: answered as an unknown route.
  if (url === null) throw new TypeError(`Invalid URL: ${origin}`);
  const method = request.method ?? "GET";
  const kept = options.body;
  if (kept !== undefined) {
    // The framework already consumed the stream; the length header must match the copy.
    const length = String(kept.byteLength);
    if (headers.get("content-length") !== length) headers.set("content-length", length);
  }
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
 * Writes a reply to a Node response in one `writeHead` with a flat header list (no
 * per-header `setHeader` bookkeeping). When the request body was not read to the end (413,
 * 401), the connection is closed after the answer instead of draining it.
 */
export function sendReply(
  reply: WebhookReply,
  target: ServerResponse,
  request?: IncomingMessage,
): void {
  const headers: string[] = [];
  for (const name in reply.headers) headers.push(name, reply.headers[name]!);
  if (request !== undefined && !request.complete && reply.headers.connection === undefined) {
    headers.push("connection", "close");
  }
  // Always a length, so an empty answer is never sent chunked.
  headers.push("content-length", String(reply.body === "" ? 0 : Buffer.byteLength(reply.body)));
  target.writeHead(reply.status, headers);
  if (reply.body === "") target.end();
  else target.end(reply.body);
}
