import type { IncomingMessage, ServerResponse } from "node:http";

/** How to turn a Node request into a Web `Request`. */
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
    if (!name.startsWith(":")) headers.append(name, raw[i + 1]!);
  }
  return headers;
}

/**
 * Streams the Node request as it arrives; cancelling (body over the limit) stops reading
 * without buffering the rest, and the response then closes the connection.
 */
function streamOf(request: IncomingMessage): ReadableStream<Uint8Array> {
  // Something already read the stream to its end: there is nothing left to wait for.
  if (request.readableEnded)
    return new ReadableStream({ start: (controller) => controller.close() });
  let finished = false;
  // Node events may still fire after the consumer cancelled; a closed controller throws.
  const settle = (action: () => void) => {
    if (finished) return;
    finished = true;
    action();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      request.on("data", (chunk: Buffer) => {
        if (finished) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) request.pause();
      });
      request.once("end", () => settle(() => controller.close()));
      request.once("error", (error) => settle(() => controller.error(error)));
      request.once("aborted", () => settle(() => controller.error(new Error("request aborted"))));
    },
    pull() {
      request.resume();
    },
    cancel() {
      finished = true;
      request.pause();
      request.removeAllListeners("data");
    },
  });
}

/**
 * Builds a Web `Request` carrying the exact raw body bytes of a Node request, either
 * streamed from the socket or as already read by a framework.
 */
export function toWebRequest(request: IncomingMessage, options: NodeRequestOptions = {}): Request {
  const headers = headersOf(request);
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = headers.get("host") ?? "localhost";
  const url = new URL(
    options.originalUrl ?? request.url ?? "/",
    `${encrypted ? "https" : "http"}://${host}`,
  );
  const method = request.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  if (options.body !== undefined) {
    // The framework already consumed the stream; the length header must match the copy.
    headers.set("content-length", String(options.body.byteLength));
    return new Request(url, { method, headers, body: options.body as Uint8Array<ArrayBuffer> });
  }
  return new Request(url, {
    method,
    headers,
    body: streamOf(request),
    duplex: "half",
  } as RequestInit & { duplex: "half" });
}

/**
 * Writes a Web `Response` to a Node response. When the request body was not read to the
 * end (413, 401), the connection is closed after the answer instead of draining it.
 */
export async function sendWebResponse(
  response: Response,
  target: ServerResponse,
  request?: IncomingMessage,
): Promise<void> {
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  target.statusCode = response.status;
  for (const [name, value] of response.headers) target.setHeader(name, value);
  if (request !== undefined && !request.complete) target.setHeader("connection", "close");
  if (body !== undefined) target.setHeader("content-length", body.byteLength);
  target.end(body);
}
