import { rawExchange } from "./raw-http.js";

/** One way of serving the handler: a real server, or a direct call for Next route handlers. */
export interface Endpoint {
  /** Sends a request to `path` (e.g. `/anymail/test/tracking`). */
  send(path: string, init: RequestInit): Promise<Response>;
  /**
   * POSTs `headers`, then the body in timed pieces (a string is sent, a number waits that
   * many ms), then nothing more: the connection stays open. Resolves with the answer's status.
   */
  sendSlowly(
    path: string,
    headers: Record<string, string>,
    pieces: readonly (string | number)[],
  ): Promise<number>;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real server on `baseUrl`: slow bodies go over a plain socket. */
export function fetchEndpoint(baseUrl: string, close: () => Promise<void>): Endpoint {
  return {
    send: (path, init) => fetch(new URL(path, baseUrl), init),
    sendSlowly: async (path, headers, pieces) =>
      (await rawExchange(baseUrl, path, headers, pieces)).status,
    close,
  };
}

/**
 * For in-process endpoints (`handle`, Next, Hono): the body is a stream that yields the
 * pieces on their schedule and then never ends, as a stalled client's would.
 */
export function streamingSend(send: Endpoint["send"]): Endpoint["sendSlowly"] {
  return async (path, headers, pieces) => {
    const encoder = new TextEncoder();
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        while (next < pieces.length) {
          const piece = pieces[next++]!;
          if (typeof piece === "number") await wait(piece);
          else {
            controller.enqueue(encoder.encode(piece));
            return;
          }
        }
        // Stalled: never enqueue again, never close.
        await new Promise(() => {});
      },
    });
    const init = { method: "POST", headers, body, duplex: "half" } as RequestInit;
    return (await send(path, init)).status;
  };
}
