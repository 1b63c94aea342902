import type { RouteResponse } from "../../internal/http/io.js";
import type { AuthRequest } from "../personality.js";
import { ERROR, postmarkErrorResponse } from "./api-error.js";

/**
 * `X-Postmark-Server-Token`: any non-empty token, or one of `apiKeys` when the emulator was
 * started with them. Postmark answers both failures with HTTP 401 and ErrorCode 10.
 */
export function authenticate(request: AuthRequest): { key: string } | RouteResponse {
  const header = request.headers["x-postmark-server-token"];
  const token = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!token) {
    return postmarkErrorResponse(
      ERROR.badToken,
      "No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.",
      401,
    );
  }
  if (request.allowedKeys && !request.allowedKeys.includes(token)) {
    return postmarkErrorResponse(
      ERROR.badToken,
      "Request does not contain a valid Server token.",
      401,
    );
  }
  return { key: token };
}
