/**
 * What the client needs from an HTTP implementation: undici's pooled `Agent` on Node, or
 * `fetch` (given by the user, or the runtime's on edge runtimes). Each transport maps its
 * own failures through `classifyFailure` so every provider sees the same error kinds.
 */
export interface Transport {
  /** Which implementation carries the requests (tests and debugging). */
  readonly name: "undici" | "fetch";
  /** Sends one request and resolves when the response headers arrived. */
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections; a later request may open new ones. */
  close(): Promise<void>;
}

/** One request as the client hands it to a transport. */
export interface TransportRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  /** A stream is a multipart body written as it is read (undici streams it; fetch sends it half-duplex). */
  readonly body: string | Uint8Array | ReadableStream<Uint8Array> | undefined;
  /** Wait for the headers, then for each body chunk; enforced by the transport. */
  readonly timeoutMs: number;
  /** Aborts the exchange (the caller's deadline or cancel, or the client's own timer). */
  readonly signal: AbortSignal | undefined;
}

/** The response once its headers arrived; the body is read at most once. */
export interface TransportResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Record<string, string>;
  /**
   * Reads the whole body; rejects with `BodyTooLarge` as soon as more than `maxBytes`
   * arrived (the rest is not read), or with the transport's own error.
   */
  read(maxBytes: number): Promise<Uint8Array>;
  /** Reads the whole body as UTF-8 text, with the same limit. */
  text(maxBytes: number): Promise<string>;
  /** Drops the body without reading it (e.g. a redirect being followed). */
  discard(): void;
}

/** Thrown by `read` / `text` past the byte limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}
