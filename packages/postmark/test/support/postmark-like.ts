import type { CapturedRequest, ScriptedResponse } from "./capture-server.js";

let counter = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;

function accepted(message: { To?: string }) {
  return {
    ...(message.To === undefined ? {} : { To: message.To }),
    SubmittedAt: new Date().toISOString(),
    MessageID: nextId(),
    ErrorCode: 0,
    Message: "OK",
  };
}

/**
 * Answers like Postmark's API for well-formed requests, and scripted failures chosen by
 * server token: `rate-limited` → 429, `bad-token` → 401, `down` → 503.
 */
export function postmarkLike(request: CapturedRequest): ScriptedResponse {
  const token = request.headers["x-postmark-server-token"];
  const error = (status: number, ErrorCode: number, Message: string, headers = {}) => ({
    status,
    headers,
    body: JSON.stringify({ ErrorCode, Message }),
  });
  if (token === "rate-limited")
    return error(429, 429, "Rate limit exceeded", { "retry-after": "1" });
  if (token === "bad-token") return error(401, 10, "Bad or missing Server API token.");
  if (token === "down") return error(503, 503, "Service unavailable");
  const body = request.json;
  if (request.path.endsWith("/batchWithTemplates")) {
    return { body: JSON.stringify(body.Messages.map(accepted)) };
  }
  if (request.path.endsWith("/batch")) return { body: JSON.stringify(body.map(accepted)) };
  return { body: JSON.stringify(accepted(body)) };
}
