import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Emulator } from "../../emulator.js";
import type { SharedErrorCode } from "../../personalities/personality.js";
import { handleInspection } from "../inspection/routes.js";
import { inspectionAllowed } from "../inspection/guard.js";
import { parseBody } from "./body.js";
import { serveDownload } from "./downloads.js";
import { BodyTooLargeError, json, type RouteResponse, readBody, writeResponse } from "./io.js";
import { compileRoutes } from "./router.js";

// 40 MB of base64 attachments plus the rest of a 100-item batch.
const MAX_BODY_BYTES = 50 * 1024 * 1024;

function sleep(emu: Emulator, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      emu.sleepers.delete(timer);
      resolve();
    }, ms);
    emu.sleepers.add(timer);
  });
}

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const queryStart = rawUrl.indexOf("?");
  let path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return {
    path,
    query: new URLSearchParams(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1)),
  };
}

/** The HTTP server of one emulator: inspection, downloads, then the personality's API. */
export function createEmulatorServer(emu: Emulator) {
  const personality = emu.personality;
  const match = compileRoutes(personality.routes);
  const idempotentEndpoints = new Set(personality.idempotency?.endpoints ?? []);
  const fail = (status: number, code: SharedErrorCode, message: string) =>
    personality.error(status, code, message);

  async function handleInspectionRequest(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    raw: Buffer,
  ): Promise<void> {
    const verdict = inspectionAllowed(req.headers, emu.options.host ?? "127.0.0.1");
    if (!verdict.ok) {
      writeResponse(res, json(403, { error: `Inspection API refused: ${verdict.reason}.` }));
      return;
    }
    const cors: Record<string, string> = verdict.allowOrigin
      ? {
          "access-control-allow-origin": verdict.allowOrigin,
          "access-control-allow-headers": "content-type",
          vary: "Origin",
        }
      : {};
    if (method === "OPTIONS") {
      const allow: Record<string, string> = verdict.allowOrigin
        ? { "access-control-allow-methods": "GET, POST" }
        : {};
      writeResponse(res, { status: 204, body: "" }, { ...cors, ...allow });
      return;
    }
    const parsed = await parseBody(raw, req.headers["content-type"]);
    const inspection = await handleInspection(
      emu,
      method,
      path,
      parsed.ok ? parsed.json : undefined,
    );
    writeResponse(res, inspection, cors);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url ?? "/");

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader("connection", "close");
      writeResponse(res, fail(413, "body_too_large", "The request body is too large."));
      return;
    }

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      await handleInspectionRequest(req, res, method, path, raw);
      return;
    }
    if (path.startsWith("/_downloads/") && method === "GET") {
      writeResponse(res, serveDownload(emu, path, query));
      return;
    }
    const auth = personality.authenticate(
      { method, path, headers: req.headers, allowedKeys: emu.options.apiKeys },
      emu,
    );
    if (!("key" in auth)) {
      writeResponse(res, auth);
      return;
    }

    let rateHeaders: Record<string, string> | undefined;
    if (emu.rateLimiter) {
      const state = emu.rateLimiter.take(auth.key);
      rateHeaders = personality.rateLimitHeaders?.(state) ?? {};
      if (!state.allowed) {
        rateHeaders["retry-after"] = String(state.resetSeconds);
        const message = `Too many requests. You can only make ${state.limit} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`;
        writeResponse(res, fail(429, "rate_limit_exceeded", message), rateHeaders);
        return;
      }
    }

    const route = match(method, path);
    if (route.kind !== "route") {
      const error =
        route.kind === "not_found"
          ? fail(404, "not_found", "The requested endpoint does not exist.")
          : route.kind === "invalid_path"
            ? fail(400, "invalid_path", "The request path is not valid percent-encoding.")
            : fail(405, "method_not_allowed", `Method ${method} is not allowed on ${path}.`);
      writeResponse(res, error, rateHeaders);
      return;
    }

    const parsed = await parseBody(raw, req.headers["content-type"]);
    if (!parsed.ok) {
      writeResponse(res, fail(400, "invalid_body", parsed.message), rateHeaders);
      return;
    }

    const idempotencyHeader = personality.idempotency
      ? req.headers[personality.idempotency.header]
      : undefined;
    const idempotencyKey =
      typeof idempotencyHeader === "string" && idempotentEndpoints.has(route.endpoint)
        ? idempotencyHeader
        : null;
    if (idempotencyKey !== null) {
      const fingerprintBody = parsed.form ? parsed.form.toJSON() : parsed.json;
      const decision = emu.idempotency.begin(idempotencyKey, route.endpoint, fingerprintBody);
      if (decision.kind === "error") {
        writeResponse(res, fail(decision.status, decision.code, decision.message), rateHeaders);
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
        const injected = fail(status, "injected_fault", `Injected fault: ${status}.`);
        const headers = status === 429 ? { ...rateHeaders, "retry-after": "1" } : rateHeaders;
        writeResponse(res, injected, headers);
        return;
      }
      response = route.handler({
        emu,
        params: route.params,
        query,
        headers: req.headers,
        body: parsed.json,
        form: parsed.form,
        rawBody: raw,
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

  // Unexpected exceptions become the personality's 500.
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      writeResponse(
        res,
        fail(500, "internal_server_error", `Unexpected emulator error: ${message}`),
      );
    });
  });
}
