import type { RouteResponse } from "../../internal/http/io.js";
import type { AuthRequest } from "../personality.js";

const FORBIDDEN: RouteResponse = {
  status: 401,
  body: "Forbidden",
  contentType: "text/plain; charset=utf-8",
};

/**
 * Basic auth `api:<key>`, as Mailgun takes it; anything else gets Mailgun's plain-text 401
 * "Forbidden". Any non-empty key works unless `apiKeys` restricts them.
 */
export function authenticate(request: AuthRequest): { key: string } | RouteResponse {
  const header = request.headers.authorization ?? "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return FORBIDDEN;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0 || decoded.slice(0, colon) !== "api") return FORBIDDEN;
  const key = decoded.slice(colon + 1);
  if (key === "" || (request.allowedKeys && !request.allowedKeys.includes(key))) return FORBIDDEN;
  return { key };
}
