import type { Emulator } from "../../emulator.js";
import type { RouteResponse } from "../../internal/http/io.js";
import type { AuthRequest } from "../personality.js";
import { ApiError, errorResponse } from "./api-error.js";

/** `Authorization: Bearer re_…`; with `requireUserAgent`, Resend's edge 403 comes first. */
export function authenticate(request: AuthRequest, emu: Emulator): { key: string } | RouteResponse {
  if (emu.options.requireUserAgent && !request.headers["user-agent"]) {
    // Resend's edge answers this before the API, in plain text.
    return { status: 403, body: "error code: 1010", contentType: "text/plain; charset=UTF-8" };
  }
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!match) {
    return errorResponse(
      new ApiError(
        401,
        "missing_api_key",
        "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY",
      ),
    );
  }
  const key = match[1]!;
  const allowed = request.allowedKeys ? request.allowedKeys.includes(key) : key.startsWith("re_");
  return allowed
    ? { key }
    : errorResponse(new ApiError(403, "invalid_api_key", "API key is invalid"));
}
