import { AnymailAPIError } from "@anymail/core";
import type { Agent, Dispatcher } from "undici";

/**
 * One HTTP request. `timeoutMs` bounds the wait for the response headers once the request
 * is written, then each wait for more of the body (undici's `headersTimeout` and
 * `bodyTimeout`; with the client's own pool also the connect); `signal` (e.g. core's send
 * deadline) aborts it early.
 */
export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string | URL;
  /** Header names as given; values must not contain CR/LF. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A completed exchange, whatever its status. */
export interface HttpResponse {
  status: number;
  /** Every response header, lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as UTF-8 text. */
  body: string;
}

/** A keep-alive HTTP client owning one undici pool; see {@link createHttpClient}. */
export interface HttpClient {
  /**
   * Sends one request. Resolves for every HTTP status; rejects only with an
   * `AnymailAPIError` of kind `"network"` (retryable) or `"timeout"` (retryable when
   * `timeoutMs` fired, not when `signal` aborted).
   */
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Closes the pool (not an injected dispatcher). A later request opens a new pool. */
  close(): Promise<void>;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Provider name put on errors, e.g. `"Resend"`. */
  provider: string;
  /** Connections per origin (undici `Agent` `connections`); default unlimited. */
  connections?: number;
  /** Send through this dispatcher instead of an own pool; never closed by the client. */
  dispatcher?: Dispatcher;
  /** Connect limit of the own pool (undici `connect.timeout`); default undici's 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Creates a client whose undici `Agent` is loaded and built on the first request (so
 * importing a provider stays cheap) and then reused for keep-alive.
 *
 * @example
 * ```ts
 * const http = createHttpClient({ provider: "Resend" });
 * const res = await http.request({ method: "GET", url: "https://api.resend.com/emails/1", headers: {}, timeoutMs: 10_000 });
 * await http.close();
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const injected = options.dispatcher;
  let own: Promise<Dispatcher> | undefined;

  function dispatcher(): Dispatcher | Promise<Dispatcher> {
    if (injected !== undefined) return injected;
    own ??= import("undici").then(({ Agent }) => new Agent(agentOptions(options)));
    return own;
  }

  return {
    async request(request) {
      const target = typeof request.url === "string" ? new URL(request.url) : request.url;
      const outer = request.signal;
      if (outer?.aborted) throw deadlineError(options.provider, target, outer.reason);

      // No controller or timer of our own: the caller's signal goes straight to undici and
      // undici's per-request timers enforce timeoutMs.
      try {
        const client = await dispatcher();
        const response = await client.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null,
          signal: outer ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        });
        const body = await response.body.text();
        return {
          status: response.statusCode,
          headers: flattenHeaders(response.headers),
          body,
        };
      } catch (cause) {
        if (outer?.aborted) throw deadlineError(options.provider, target, cause);
        if (isUndiciTimeout(cause)) {
          throw new AnymailAPIError(
            `${options.provider} API request to ${describe(target)} timed out after ${request.timeoutMs} ms`,
            { provider: options.provider, kind: "timeout", retryable: true, cause },
          );
        }
        throw new AnymailAPIError(
          `Error sending to ${options.provider} API at ${describe(target)}: ${errorText(cause)}`,
          { provider: options.provider, kind: "network", retryable: true, cause },
        );
      }
    },

    async close() {
      const pending = own;
      own = undefined;
      if (pending !== undefined) await (await pending).close();
    },
  };
}

function agentOptions(options: HttpClientOptions): Agent.Options {
  const agent: Agent.Options = {};
  if (options.connections !== undefined) agent.connections = options.connections;
  if (options.connectTimeoutMs !== undefined) agent.connect = { timeout: options.connectTimeoutMs };
  return agent;
}

const UNDICI_TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function isUndiciTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && UNDICI_TIMEOUT_CODES.has(code);
}

function deadlineError(provider: string, target: URL, cause: unknown): AnymailAPIError {
  return new AnymailAPIError(
    `${provider} API request to ${describe(target)} aborted: the send's deadline passed or it was cancelled`,
    { provider, kind: "timeout", retryable: false, cause },
  );
}

/** Origin and path only: a URL's query or userinfo could hold secrets. */
function describe(target: URL): string {
  return `${target.origin}${target.pathname}`;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const inner = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${typeof code === "string" ? `${code} ` : ""}${error.message}${inner}`;
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
