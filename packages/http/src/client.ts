import { encodeFormData } from "./internal/form-body.js";
import {
  AnymailAPIError,
  AnymailError,
  type Logger,
  redactSecrets,
  type SecretRedaction,
} from "@anymail/core";
import { classifyFailure, describeFailure } from "./internal/transport/failure.js";
import type { FetchLike } from "./internal/transport/fetch.js";
import { selectTransport } from "./internal/transport/select.js";
import { BodyTooLarge, type TransportResponse } from "./internal/transport/transport.js";

export type { FetchLike } from "./internal/transport/fetch.js";

/**
 * One HTTP request.
 *
 * @example
 * ```ts
 * const request: HttpRequest = {
 *   method: "POST",
 *   url: "https://api.example.com/email",
 *   headers: { "content-type": "application/json" },
 *   body: '{"to":"ana@example.org"}',
 *   timeoutMs: 10_000,
 * };
 * ```
 */
export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string | URL;
  /** Header names as given; values must not contain CR/LF. */
  headers: Record<string, string>;
  /**
   * A `FormData` is sent as multipart/form-data by the platform's own encoder (its
   * `content-type`, boundary included, replaces any given): buffered with a Content-Length,
   * or streamed when its files total more than {@link STREAM_FORM_FILES_ABOVE} bytes.
   */
  body?: string | Uint8Array | FormData;
  /**
   * Below 5 000 ms: one exact timer of the client bounds the whole exchange (headers and
   * body). From 5 000 ms up: undici's own timers bound the wait for the response headers,
   * then each wait for more of the body; they tick every ~0.5 s, so they fire up to ~0.5 s
   * late (10 % at 5 s). With `fetch`, the wait for headers and then each chunk, exactly.
   */
  timeoutMs: number;
  /** Aborts early (e.g. core's send deadline): an error that is never retryable. */
  signal?: AbortSignal;
  /** Largest body accepted; past it the read stops with an `invalid_response` error. Default: the client's. */
  maxResponseBytes?: number;
  /** Follow up to this many redirects (GET only, never with an `authorization` header). Default 0. */
  followRedirects?: number;
  /** Receives the debug records of this exchange when the client has `debugApiRequests`. */
  logger?: Logger;
}

/**
 * A completed exchange, whatever its status.
 *
 * @example
 * ```ts
 * const response: HttpResponse = await http.request(request);
 * if (response.status === 200) JSON.parse(response.body);
 * ```
 */
export interface HttpResponse {
  status: number;
  /** Every response header, lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as UTF-8 text. */
  body: string;
}

/**
 * A completed exchange with the body as bytes (downloads).
 *
 * @example
 * ```ts
 * const { bytes, headers } = await http.requestBytes({ method: "GET", url, headers: {}, timeoutMs: 10_000 });
 * ```
 */
export interface HttpBytesResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
}

/**
 * A keep-alive HTTP client shared by every request of one provider; see {@link createHttpClient}.
 *
 * @example
 * ```ts
 * const http: HttpClient = createHttpClient({ provider: "Example" });
 * await http.close();
 * ```
 */
export interface HttpClient {
  /**
   * Sends one request. Resolves for every HTTP status; rejects only with an
   * `AnymailAPIError` of kind `"connect"` (never written; retryable), `"network"` or
   * `"timeout"` (may have been written; retryable when the provider is idempotent),
   * `"invalid_response"` (body past the limit), or a non-retryable `"timeout"` when
   * `signal` aborted.
   */
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Like `request`, with the body as bytes. */
  requestBytes(request: HttpRequest): Promise<HttpBytesResponse>;
  /** Closes the pool (not an injected dispatcher). A later request opens a new pool. */
  close(): Promise<void>;
}

/**
 * Options of {@link createHttpClient}.
 *
 * @example
 * ```ts
 * const options: HttpClientOptions = { provider: "Example", connections: 16, debugApiRequests: true };
 * ```
 */
export interface HttpClientOptions {
  /** Provider name put on errors, e.g. `"Resend"`. */
  provider: string;
  /** Connections per origin (undici `Agent` `connections`); default unlimited. Ignored on the `fetch` path. */
  connections?: number;
  /** Send through this undici dispatcher instead of an own pool; never closed by the client. */
  dispatcher?: import("undici").Dispatcher;
  /**
   * Connect limit of the own pool (undici `connect.timeout`); default undici's 10 s. On the
   * `fetch` path the connect counts against `timeoutMs` instead.
   */
  connectTimeoutMs?: number;
  /**
   * Send with this `fetch` instead of undici (proxies, instrumentation, a runtime's own
   * `fetch` forced on Node); undici is then never loaded. Without it, the client takes
   * undici's pool where undici loads and can send (Node), else the runtime's global
   * `fetch` (workerd, Deno and browsers through the edge build; Bun, whose `undici` has no
   * `request()`). With `fetch`, a failure after the request started counts as possibly
   * written unless the error says the connection never opened.
   */
  fetch?: FetchLike;
  /**
   * The ESP de-duplicates a request that reaches it twice (an idempotency key, as Resend).
   * Default false: then, where the runtime's `fetch` re-sends a request by itself after a
   * kept-alive connection dropped (Deno), every request but GET/HEAD gets a fresh
   * connection, so nothing is ever sent twice behind the caller's back.
   */
  idempotent?: boolean;
  /** Default body limit of every request. Default 10 MiB. */
  maxResponseBytes?: number;
  /** The provider's secrets, masked in every debug record. */
  redaction?: SecretRedaction;
  /**
   * Log every request and response (method, URL, headers, body) at level `debug` through
   * the request's `logger`, secrets redacted: anymail's `DEBUG_API_REQUESTS`.
   */
  debugApiRequests?: boolean;
}

/**
 * Default {@link HttpClientOptions.maxResponseBytes}: 10 MiB.
 *
 * @example
 * ```ts
 * createHttpClient({ provider: "Example", maxResponseBytes: 4 * DEFAULT_MAX_RESPONSE_BYTES });
 * ```
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * Above this many bytes of files, a `FormData` body is streamed instead of buffered.
 *
 * @example
 * ```ts
 * const streamed = attachmentBytes > STREAM_FORM_FILES_ABOVE;
 * ```
 */
export const STREAM_FORM_FILES_ABOVE = 256 * 1024;

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "content-type") copy[name] = value;
  }
  return copy;
}

/**
 * Below this, undici's coarse timers are replaced by one exact timer of the client.
 * Measured: undici's headersTimeout of 100 ms fired at ~1 000 ms, 1 000 ms at ~1 500 ms,
 * 2 000 ms at ~2 500 ms (its timers tick every ~0.5 s and start one tick late).
 */
export const EXACT_TIMER_BELOW_MS = 5_000;

/**
 * Creates the client a provider sends (and downloads) through: undici's keep-alive pool,
 * loaded on the first request so importing a provider stays cheap, the `fetch` given, or
 * the runtime's `fetch` where undici can't be used (edge runtimes, Bun).
 * Every failure is an `AnymailAPIError` whose `kind` says whether the request may have
 * been written (`"connect"`: never).
 *
 * @example
 * ```ts
 * const http = createHttpClient({ provider: "Example" });
 * const res = await http.request({ method: "GET", url: "https://api.example.com/emails/1", headers: {}, timeoutMs: 10_000 });
 * await http.close();
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { provider } = options;
  const transport = selectTransport(options);
  const defaultMax = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const debug = options.debugApiRequests === true;

  async function exchange<T>(
    request: HttpRequest,
    readBody: (response: TransportResponse, maxBytes: number) => Promise<T>,
    bodyForLog: (body: T) => unknown,
  ): Promise<{ status: number; headers: Record<string, string>; body: T }> {
    let target = typeof request.url === "string" ? new URL(request.url) : request.url;
    const outer = request.signal;
    if (outer?.aborted) throw aborted(provider, target, outer.reason);
    const maxBytes = request.maxResponseBytes ?? defaultMax;
    const logger = debug ? request.logger : undefined;
    let redirectsLeft = request.followRedirects ?? 0;
    let method = request.method;
    let headers = request.headers;
    let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined;
    if (request.body instanceof FormData) {
      const form = await encodeFormData(request.body, STREAM_FORM_FILES_ABOVE);
      headers = { ...withoutContentType(request.headers), "content-type": form.contentType };
      body = form.body;
    } else {
      body = request.body;
    }

    // Short timeouts: one exact timer for the whole exchange (undici's tick is ~0.5 s).
    const exact =
      request.timeoutMs < EXACT_TIMER_BELOW_MS ? new ExactTimer(request.timeoutMs) : undefined;
    const signal =
      exact === undefined
        ? outer
        : outer === undefined
          ? exact.signal
          : AbortSignal.any([outer, exact.signal]);
    try {
      for (;;) {
        const started = logger === undefined ? 0 : Date.now();
        logger?.(
          redactSecrets(
            {
              level: "debug",
              message: `${provider} API request ${method} ${describe(target)}`,
              provider,
              method,
              url: describe(target),
              headers,
              body:
                typeof body === "string"
                  ? body
                  : body === undefined
                    ? undefined
                    : body instanceof Uint8Array
                      ? `[${body.byteLength} bytes]`
                      : "[streamed multipart body]",
            },
            options.redaction,
          ),
        );
        const response = await transport.send({
          url: target,
          method,
          headers,
          body,
          timeoutMs: request.timeoutMs,
          signal,
        });
        const location = response.headers.location;
        if (
          redirectsLeft > 0 &&
          response.status >= 300 &&
          response.status < 400 &&
          location !== undefined &&
          !("authorization" in request.headers)
        ) {
          response.discard();
          redirectsLeft--;
          target = new URL(location, target);
          method = "GET";
          body = undefined;
          continue;
        }
        const read = await readBody(response, maxBytes);
        logger?.(
          redactSecrets(
            {
              level: "debug",
              message: `${provider} API response ${method} ${describe(target)} → ${response.status}`,
              provider,
              status: response.status,
              headers: response.headers,
              body: bodyForLog(read),
              durationMs: Date.now() - started,
            },
            options.redaction,
          ),
        );
        return { status: response.status, headers: response.headers, body: read };
      }
    } catch (cause) {
      throw toApiError(provider, target, request.timeoutMs, cause, outer, exact);
    } finally {
      exact?.stop();
    }
  }

  return {
    async request(request) {
      return exchange(
        request,
        (response, max) => response.text(max),
        (text) => text,
      );
    },
    async requestBytes(request) {
      const { status, headers, body } = await exchange(
        request,
        (response, max) => response.read(max),
        (bytes) => `[${bytes.byteLength} bytes]`,
      );
      return { status, headers, bytes: body };
    },
    close: () => transport.close(),
  };
}

class ExactTimer {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  fired = false;

  constructor(ms: number) {
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new Error(`timed out after ${ms} ms`));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

function toApiError(
  provider: string,
  target: URL,
  timeoutMs: number,
  cause: unknown,
  outer: AbortSignal | undefined,
  exact: ExactTimer | undefined,
): AnymailError {
  // An AnymailAPIError of a transport, or no transport at all (AnymailImproperlyInstalled).
  if (cause instanceof AnymailError) return cause;
  if (outer?.aborted) return aborted(provider, target, cause);
  if (cause instanceof BodyTooLarge) {
    return new AnymailAPIError(
      `${provider} API response from ${describe(target)} is larger than ${cause.limit} bytes; it was not read further`,
      { provider, kind: "invalid_response", retryable: false },
    );
  }
  const failure = exact?.fired === true ? "timeout" : classifyFailure(cause);
  if (failure === "timeout") {
    return new AnymailAPIError(
      `${provider} API request to ${describe(target)} timed out after ${timeoutMs} ms`,
      { provider, kind: "timeout", retryable: true, cause },
    );
  }
  const what = failure === "connect" ? "Could not connect to" : "Error sending to";
  return new AnymailAPIError(
    `${what} ${provider} API at ${describe(target)}: ${describeFailure(cause)}`,
    {
      provider,
      kind: failure,
      retryable: true,
      cause,
    },
  );
}

function aborted(provider: string, target: URL, cause: unknown): AnymailAPIError {
  return new AnymailAPIError(
    `${provider} API request to ${describe(target)} aborted: the send's deadline passed or it was cancelled`,
    { provider, kind: "timeout", retryable: false, cause },
  );
}

/** Origin and path only: a URL's query or userinfo could hold secrets (signed download links). */
export function describe(target: URL): string {
  return `${target.origin}${target.pathname}`;
}
