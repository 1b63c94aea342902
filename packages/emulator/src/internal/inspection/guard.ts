import type { IncomingHttpHeaders } from "node:http";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;

/** The host name of a `Host` header value (`127.0.0.1:3025` → `127.0.0.1`, `[::1]:80` → `[::1]`). */
function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * Whether a request may use the inspection API. It is unauthenticated (a developer's browser
 * or curl uses it), so it only answers loopback: the `Host` must name a loopback interface or
 * the interface the emulator was bound to (a DNS-rebinding page sends its own host name), and
 * an `Origin`, when a browser sends one, must be a loopback page.
 */
export function inspectionAllowed(
  headers: IncomingHttpHeaders,
  boundHost: string,
): { ok: true; allowOrigin: string | null } | { ok: false; reason: string } {
  const host = headers.host;
  if (typeof host !== "string" || host === "") return { ok: false, reason: "missing Host header" };
  const name = hostName(host);
  const bound = boundHost.toLowerCase();
  const boundIsWildcard = bound === "0.0.0.0" || bound === "::" || bound === "[::]";
  if (!LOOPBACK_HOSTS.has(name) && (boundIsWildcard || name !== hostName(bound))) {
    return { ok: false, reason: `Host ${JSON.stringify(host)} is not a loopback name` };
  }
  const origin = headers.origin;
  if (origin === undefined) return { ok: true, allowOrigin: null };
  if (LOOPBACK_ORIGIN.test(origin)) return { ok: true, allowOrigin: origin };
  return { ok: false, reason: `Origin ${JSON.stringify(origin)} is not a loopback page` };
}
