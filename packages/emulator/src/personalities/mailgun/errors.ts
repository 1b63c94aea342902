import { json, type RouteResponse } from "../../internal/http/io.js";
import type { SharedErrorCode } from "../personality.js";

/** Mailgun's error body: `{ "message": "…" }`. */
export function mailgunError(status: number, message: string): RouteResponse {
  return json(status, { message });
}

/** The shared layer's errors in Mailgun's shape. */
export function sharedError(status: number, code: SharedErrorCode, message: string): RouteResponse {
  if (code === "not_found" || code === "method_not_allowed") {
    // Mailgun's router answers unknown paths with its plain 404 page.
    return { status: 404, body: "404 page not found", contentType: "text/plain; charset=utf-8" };
  }
  if (code === "rate_limit_exceeded" || (code === "injected_fault" && status === 429)) {
    return mailgunError(429, "Too many requests");
  }
  if (code === "injected_fault" || code === "internal_server_error") {
    return mailgunError(status, "Internal Server Error");
  }
  return mailgunError(status, message);
}
