import { json, type RouteResponse } from "../../internal/http/io.js";
import type { SharedErrorCode } from "../personality.js";

/** Postmark's API error codes used here (https://postmarkapp.com/developer/api/overview#error-codes). */
export const ERROR = {
  badToken: 10,
  invalidJson: 402,
  invalidRequest: 300,
  inactiveRecipient: 406,
  tooManyMessages: 413,
} as const;

/** Postmark's error body `{ ErrorCode, Message }`, with HTTP 422 unless said otherwise. */
export const postmarkErrorResponse = (
  errorCode: number,
  message: string,
  status = 422,
): RouteResponse => json(status, { ErrorCode: errorCode, Message: message });

/** Shapes an error raised by the shared layer the way Postmark answers it. */
export function postmarkError(
  status: number,
  code: SharedErrorCode,
  message: string,
): RouteResponse {
  switch (code) {
    case "missing_api_key":
    case "invalid_api_key":
      return postmarkErrorResponse(ERROR.badToken, message, 401);
    case "invalid_body":
      return postmarkErrorResponse(ERROR.invalidJson, "Received invalid JSON input.", 422);
    case "body_too_large":
      return postmarkErrorResponse(
        ERROR.invalidRequest,
        "The request is larger than Postmark accepts.",
        413,
      );
    case "rate_limit_exceeded":
      return postmarkErrorResponse(429, "Rate limit exceeded. Slow down and retry later.", 429);
    case "method_not_allowed":
      return postmarkErrorResponse(0, "The requested method is not allowed.", 405);
    case "not_found":
    case "invalid_path":
      return postmarkErrorResponse(0, "The requested resource was not found.", status);
    default:
      return postmarkErrorResponse(status, message || "Internal server error.", status);
  }
}
