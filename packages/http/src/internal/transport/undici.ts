import type { Agent, Dispatcher } from "undici";
import { BodyTooLarge, type Transport, type TransportResponse } from "./transport.js";

/** Options of the kit's own undici pool. */
export interface UndiciPoolOptions {
  /** Connections per origin of the own pool; default unlimited (undici's default). */
  connections?: number;
  /** Connect limit of the own pool (undici `connect.timeout`). */
  connectTimeoutMs?: number;
}

/**
 * A transport over an undici dispatcher: the kit's own keep-alive `Agent` (`owned`, closed
 * by `close()`) or one the user injected (never closed here).
 */
export function undiciTransport(dispatcher: Dispatcher, owned: boolean): Transport {
  return {
    name: "undici",
    async send(request) {
      const response = await dispatcher.request({
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        // undici writes a web ReadableStream as an async iterable (chunked).
        body: (request.body ?? null) as Dispatcher.DispatchOptions["body"],
        signal: request.signal ?? null,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      return wrap(response);
    },
    async close() {
      if (owned) await dispatcher.close();
    },
  };
}

/** undici `Agent` options of the kit's own pool. */
export function agentOptions(options: UndiciPoolOptions): Agent.Options {
  const agent: Agent.Options = {};
  if (options.connections !== undefined) agent.connections = options.connections;
  if (options.connectTimeoutMs !== undefined) agent.connect = { timeout: options.connectTimeoutMs };
  return agent;
}

function wrap(response: Dispatcher.ResponseData): TransportResponse {
  const body = response.body;
  return {
    status: response.statusCode,
    headers: flattenHeaders(response.headers),
    async read(maxBytes) {
      const chunks = await collect(body, declaredLength(response.headers), maxBytes);
      const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // A plain Uint8Array view (no copy): a Buffer must not leak into messages.
      return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
    },
    async text(maxBytes) {
      const chunks = await collect(body, declaredLength(response.headers), maxBytes);
      return chunks.length === 1
        ? chunks[0]!.toString("utf8")
        : Buffer.concat(chunks).toString("utf8");
    },
    discard() {
      drop(body);
    },
  };
}

/** Stops reading a body; the abort error destroying it raises is expected, not unhandled. */
function drop(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => {});
  body.destroy();
}

function declaredLength(headers: Dispatcher.ResponseData["headers"]): number | undefined {
  const value = headers["content-length"];
  const length = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isSafeInteger(length) ? length : undefined;
}

/** Reads every chunk, stopping (and destroying the stream) once past `maxBytes`. */
function collect(
  body: Dispatcher.ResponseData["body"],
  declared: number | undefined,
  maxBytes: number,
): Promise<Buffer[]> {
  if (declared !== undefined && declared > maxBytes) {
    drop(body);
    return Promise.reject(new BodyTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    body.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        drop(body);
        reject(new BodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    body.once("end", () => resolve(chunks));
    body.once("error", reject);
  });
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
