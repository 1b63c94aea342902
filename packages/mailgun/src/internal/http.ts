import { AnymailAPIError } from "@anymail/core";
import type { Agent, Dispatcher } from "undici";

/** One POST with a streamed multipart body. */
export interface PostRequest {
  url: URL;
  headers: Record<string, string>;
  body: FormData;
  /** Stream the encoded body (large attachments) instead of buffering it with a Content-Length. */
  stream: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A completed exchange, whatever its status. */
export interface HttpResponse {
  status: number;
  /** Lower-case names; repeats joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/** A keep-alive client over one lazily created undici pool. */
export interface HttpClient {
  post(request: PostRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

// Failures that happen before a connection exists: the request was never written, so
// Mailgun cannot have accepted it and sending again cannot duplicate it.
const NOT_CONNECTED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function describe(target: URL): string {
  return `${target.origin}${target.pathname}`;
}

/**
 * Creates the client. Mailgun has no idempotency key, so only a failure that provably
 * happened before the request was written is marked retryable; a reset or timeout after
 * writing may have been accepted and is left to the caller.
 */
export function createHttpClient(options: {
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
}): HttpClient {
  const injected = options.dispatcher;
  let own: Promise<Dispatcher> | undefined;
  const dispatcher = (): Dispatcher | Promise<Dispatcher> => {
    if (injected !== undefined) return injected;
    own ??= import("undici").then(({ Agent }) => {
      const agentOptions: Agent.Options = {};
      if (options.connectTimeoutMs !== undefined) {
        agentOptions.connect = { timeout: options.connectTimeoutMs };
      }
      return new Agent(agentOptions);
    });
    return own;
  };

  return {
    async post(request) {
      const { url, signal } = request;
      if (signal?.aborted) throw aborted(url, signal.reason);
      try {
        const client = await dispatcher();
        // The platform's own multipart encoder (the one fetch uses): it picks the boundary
        // and streams each file part from its Blob. Handing FormData to npm undici directly
        // breaks when the global FormData comes from the runtime's bundled undici copy.
        // Small bodies are buffered: one write with a Content-Length costs about half the
        // CPU of a streamed, chunked body.
        const encoded = new Response(request.body);
        const payload = request.stream ? encoded.body : new Uint8Array(await encoded.arrayBuffer());
        const response = await client.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: "POST",
          headers: {
            ...request.headers,
            "content-type": encoded.headers.get("content-type") ?? "multipart/form-data",
          },
          body: payload as unknown as Dispatcher.DispatchOptions["body"],
          signal: signal ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        });
        const body = await response.body.text();
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) {
            headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
          }
        }
        return { status: response.statusCode, headers, body };
      } catch (cause) {
        if (signal?.aborted) throw aborted(url, cause);
        const code = errorCode(cause);
        if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
          throw new AnymailAPIError(
            `Mailgun API request to ${describe(url)} timed out after ${request.timeoutMs} ms; the message may have been accepted, so it is not retried (Mailgun has no idempotency keys)`,
            { provider: "Mailgun", kind: "timeout", retryable: false, cause },
          );
        }
        const notConnected = code !== undefined && NOT_CONNECTED_CODES.has(code);
        const detail = cause instanceof Error ? cause.message : String(cause);
        throw new AnymailAPIError(
          notConnected
            ? `Error connecting to Mailgun API at ${describe(url)}: ${code} ${detail}`
            : `Error sending to Mailgun API at ${describe(url)}: ${code ?? ""} ${detail}; the message may have been accepted, so it is not retried (Mailgun has no idempotency keys)`,
          { provider: "Mailgun", kind: "network", retryable: notConnected, cause },
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

function aborted(url: URL, cause: unknown): AnymailAPIError {
  return new AnymailAPIError(
    `Mailgun API request to ${describe(url)} aborted: the send's deadline passed or it was cancelled`,
    { provider: "Mailgun", kind: "timeout", retryable: false, cause },
  );
}
