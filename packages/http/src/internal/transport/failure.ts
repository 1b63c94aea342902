/**
 * Error codes meaning the connection never opened, so no byte of the request was written
 * and the ESP provably did not accept it: DNS, refused or unreachable, connect timeout,
 * TLS handshake and certificate failures.
 */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NODATA",
  "EAI_NONAME",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/** Codes of undici's own response timers (headers, then each body chunk). */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** How a transport failure relates to the request having been written. */
export type FailureClass = "connect" | "timeout" | "network";

function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 4) return [];
  const codes: string[] = [];
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") codes.push(code);
  // fetch wraps the real error in `cause`; happy eyeballs reports an AggregateError.
  codes.push(...codesOf((error as { cause?: unknown }).cause, depth + 1));
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...codesOf(inner, depth + 1));
  return codes;
}

/**
 * Classifies a transport error: `connect` when every code found says the connection never
 * opened, `timeout` for a response timer, else `network` (the request may have been
 * written: a reset, a socket closed mid-exchange, or an error we can't see into).
 */
export function classifyFailure(error: unknown): FailureClass {
  const codes = codesOf(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return "timeout";
  // A code of an opened socket (reset, closed, broken pipe) anywhere makes it ambiguous.
  if (codes.some((code) => AFTER_OPEN_CODES.has(code))) return "network";
  if (codes.some(isConnectCode)) return "connect";
  // Deno's fetch has no codes; its HTTP client names the stage that failed.
  return codes.length === 0 && messagesOf(error).some((m) => DENO_CONNECT.test(m))
    ? "connect"
    : "network";
}

/**
 * Deno's fetch (hyper) failing before the connection opened: "client error (Connect):
 * tcp connect error: Connection refused", DNS and TLS alike. After the request started it
 * says "(SendRequest)" instead. Node and Bun give codes; workerd says only "Network
 * connection lost." either way, which stays ambiguous.
 */
const DENO_CONNECT = /\bclient error \(Connect\)/;

function messagesOf(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 4) return [];
  return [error.message, ...messagesOf(error.cause, depth + 1)];
}

/** Codes that only an opened connection produces. */
const AFTER_OPEN_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);

function isConnectCode(code: string): boolean {
  return CONNECT_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}

/** One line describing an error without its stack: code, message and the inner cause. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const inner = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${typeof code === "string" ? `${code} ` : ""}${error.message}${inner}`;
}
