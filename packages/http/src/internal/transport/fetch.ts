import { type DenoHttpClient, isSafeMethod, type UnpooledClientMaker } from "./unpooled-client.js";
import { joinBytes } from "../join-bytes.js";
import { BodyTooLarge, type Transport, type TransportResponse } from "./transport.js";

/**
 * A WHATWG `fetch`: the runtime's, or one the user passes (edge runtimes, proxies, tests).
 *
 * @example
 * ```ts
 * const traced: FetchLike = (url, init) => fetch(url, init);
 * createHttpClient({ provider: "Example", fetch: traced });
 * ```
 */
export type FetchLike = (input: URL, init: RequestInit) => Promise<Response>;

/** Options of {@link fetchTransport}. */
export interface FetchTransportOptions {
  /**
   * Where the runtime's fetch would re-send a request by itself (Deno) and the ESP doesn't
   * de-duplicate: every request but GET/HEAD goes through one client made by this, which
   * keeps no idle connection to re-send on (see unpooled-client.edge.ts).
   */
  makeUnpooled?: UnpooledClientMaker | undefined;
}

/**
 * A transport over `fetch`. No pool of its own (the runtime keeps connections alive);
 * `timeoutMs` bounds the wait for the headers and then each body chunk with a timer of
 * its own, as `fetch` has none. Redirects are never followed here (the client decides).
 */
export function fetchTransport(
  fetchImpl: FetchLike,
  options: FetchTransportOptions = {},
): Transport {
  const { makeUnpooled } = options;
  let unpooled: DenoHttpClient | undefined;
  return {
    name: "fetch",
    async send(request) {
      const timer = new ChunkTimer(request.timeoutMs);
      const signal =
        request.signal === undefined
          ? timer.signal
          : AbortSignal.any([request.signal, timer.signal]);
      try {
        const init: RequestInit = {
          method: request.method,
          headers: request.headers,
          signal,
          redirect: "manual",
        };
        if (request.body !== undefined) init.body = request.body as BodyInit;
        // A streamed request body needs half duplex in fetch (Node, Deno; Workers accept it).
        if (request.body instanceof ReadableStream) {
          (init as RequestInit & { duplex: "half" }).duplex = "half";
        }
        if (makeUnpooled !== undefined && !isSafeMethod(request.method)) {
          unpooled ??= makeUnpooled();
          (init as RequestInit & { client: DenoHttpClient }).client = unpooled;
        }
        const response = await fetchImpl(request.url, init);
        timer.restart();
        return wrap(response, timer);
      } catch (error) {
        timer.stop();
        throw timer.fired ? timer.error : error;
      }
    },
    async close() {
      unpooled?.close();
      unpooled = undefined;
    },
  };
}

/** Aborts when no progress happened for `timeoutMs` (headers, then each body chunk). */
class ChunkTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly error: Error & { code: string };
  fired = false;

  constructor(ms: number) {
    this.#ms = ms;
    this.error = Object.assign(new Error(`no response progress within ${ms} ms`), {
      code: "UND_ERR_HEADERS_TIMEOUT",
    });
    this.restart();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  restart(): void {
    this.stop();
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(this.error);
    }, this.#ms);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function wrap(response: Response, timer: ChunkTimer): TransportResponse {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const read = async (maxBytes: number): Promise<Uint8Array> => {
    const declared = Number(headers["content-length"]);
    if (Number.isSafeInteger(declared) && declared > maxBytes) {
      timer.stop();
      await response.body?.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes);
    }
    if (response.body === null) {
      timer.stop();
      return new Uint8Array(0);
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        timer.restart();
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => {});
          throw new BodyTooLarge(maxBytes);
        }
        chunks.push(value);
      }
    } catch (error) {
      throw timer.fired ? timer.error : error;
    } finally {
      timer.stop();
    }
    return chunks.length === 1 ? chunks[0]! : joinBytes(chunks, total);
  };
  return {
    status: response.status,
    headers,
    read,
    async text(maxBytes) {
      return new TextDecoder().decode(await read(maxBytes));
    },
    discard() {
      timer.stop();
      response.body?.cancel().catch(() => {});
    },
  };
}
