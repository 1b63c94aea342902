import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ApiError } from "./api-error.js";
import type { ResendEmulator } from "./emulator.js";
import {
  BodyTooLargeError,
  errorResponse,
  readBody,
  type RouteResponse,
  writeResponse,
} from "./http-io.js";
import { matchRoute } from "./router.js";
import { serveDownload } from "./routes-receiving.js";
import { handleInspection } from "./routes-inspection.js";

// 40 MB of base64 attachments plus the rest of a 100-item batch.
const MAX_BODY_BYTES = 50 * 1024 * 1024;
const IDEMPOTENT_ENDPOINTS = new Set(["POST /emails", "POST /emails/batch"]);

const injectedErrorName = (status: number) =>
  status === 429
    ? "rate_limit_exceeded"
    : status === 500
      ? "internal_server_error"
      : "application_error";

function authenticate(emu: ResendEmulator, header: string | undefined): { key: string } | ApiError {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!match) {
    return new ApiError(
      401,
      "missing_api_key",
      "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY",
    );
  }
  const key = match[1]!;
  const allowed = emu.options.apiKeys ? emu.options.apiKeys.includes(key) : key.startsWith("re_");
  return allowed ? { key } : new ApiError(403, "invalid_api_key", "API key is invalid");
}

function sleep(emu: ResendEmulator, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      emu.sleepers.delete(timer);
      resolve();
    }, ms);
    emu.sleepers.add(timer);
  });
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

async function handle(
  emu: ResendEmulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const rawUrl = req.url ?? "/";
  const queryStart = rawUrl.indexOf("?");
  let path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  const query = new URLSearchParams(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1));

  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader("connection", "close");
    writeResponse(
      res,
      errorResponse(new ApiError(413, "validation_error", "The request body is too large.")),
    );
    return;
  }

  if (path === "/_emulator" || path.startsWith("/_emulator/")) {
    // Open to any origin so a playground page on another port can poll it.
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "content-type",
    };
    if (method === "OPTIONS") {
      writeResponse(
        res,
        { status: 204, body: "" },
        { ...cors, "access-control-allow-methods": "GET, POST" },
      );
      return;
    }
    const parsed = parseJson(raw);
    const inspection = await handleInspection(
      emu,
      method,
      path,
      parsed.ok ? parsed.value : undefined,
    );
    writeResponse(res, inspection, cors);
    return;
  }
  if (path.startsWith("/_downloads/") && method === "GET") {
    writeResponse(res, serveDownload(emu, path, query));
    return;
  }
  if (emu.options.requireUserAgent && !req.headers["user-agent"]) {
    // Resend's edge answers this before the API, in plain text.
    writeResponse(res, {
      status: 403,
      body: "error code: 1010",
      contentType: "text/plain; charset=UTF-8",
    });
    return;
  }
  const auth = authenticate(emu, req.headers.authorization);
  if (auth instanceof ApiError) {
    writeResponse(res, errorResponse(auth));
    return;
  }

  let rateHeaders: Record<string, string> | undefined;
  if (emu.rateLimiter) {
    const state = emu.rateLimiter.take(auth.key);
    rateHeaders = state.headers;
    if (!state.allowed) {
      const limit = state.headers["ratelimit-limit"];
      writeResponse(
        res,
        errorResponse(
          new ApiError(
            429,
            "rate_limit_exceeded",
            `Too many requests. You can only make ${limit} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`,
          ),
        ),
        rateHeaders,
      );
      return;
    }
  }

  const route = matchRoute(method, path);
  if (route.kind !== "route") {
    const error =
      route.kind === "not_found"
        ? new ApiError(404, "not_found", "The requested endpoint does not exist.")
        : new ApiError(405, "method_not_allowed", "Method Not Allowed");
    writeResponse(res, errorResponse(error), rateHeaders);
    return;
  }

  const parsed = parseJson(raw);
  if (!parsed.ok) {
    writeResponse(
      res,
      errorResponse(new ApiError(400, "validation_error", "The request body is not valid JSON.")),
      rateHeaders,
    );
    return;
  }

  const idempotencyHeader = req.headers["idempotency-key"];
  const idempotencyKey =
    typeof idempotencyHeader === "string" && IDEMPOTENT_ENDPOINTS.has(route.endpoint)
      ? idempotencyHeader
      : null;
  if (idempotencyKey !== null) {
    const decision = emu.idempotency.begin(idempotencyKey, route.endpoint, parsed.value);
    if (decision.kind === "error") {
      writeResponse(res, errorResponse(decision.error), rateHeaders);
      return;
    }
    if (decision.kind === "replay") {
      writeResponse(res, { status: decision.status, body: decision.body }, rateHeaders);
      return;
    }
  }

  const fault = emu.faults.plan(route.endpoint);
  let response: RouteResponse;
  try {
    if (fault.latencyMs > 0) await sleep(emu, fault.latencyMs);
    if (fault.reset) {
      if (idempotencyKey !== null) emu.idempotency.abandon(idempotencyKey);
      req.socket.destroy();
      return;
    }
    if (fault.errorStatus !== null) {
      if (idempotencyKey !== null) emu.idempotency.abandon(idempotencyKey);
      const status = fault.errorStatus;
      const injected = errorResponse(
        new ApiError(status, injectedErrorName(status), `Injected fault: ${status}.`),
      );
      writeResponse(
        res,
        injected,
        status === 429 ? { ...rateHeaders, "retry-after": "1" } : rateHeaders,
      );
      return;
    }
    response = route.handler({
      emu,
      params: route.params,
      query,
      body: parsed.value,
      headers: req.headers,
      apiKey: auth.key,
      idempotencyKey,
    });
  } catch (error) {
    if (idempotencyKey !== null) emu.idempotency.abandon(idempotencyKey);
    throw error;
  }
  if (idempotencyKey !== null && typeof response.body === "string") {
    emu.idempotency.complete(idempotencyKey, response.status, response.body);
  }
  if (fault.dropResponse) {
    req.socket.destroy();
    return;
  }
  writeResponse(res, response, rateHeaders);
}

/** Creates the HTTP server; unexpected exceptions become Resend's 500 `application_error`. */
export function createEmulatorServer(emu: ResendEmulator) {
  return createServer((req, res) => {
    handle(emu, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      writeResponse(
        res,
        errorResponse(
          new ApiError(500, "application_error", `Unexpected emulator error: ${message}`),
        ),
      );
    });
  });
}
