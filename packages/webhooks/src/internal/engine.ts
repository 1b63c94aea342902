import {
  type AnymailError,
  isAnymailError,
  type Logger,
  type ParsedWebhook,
  type RawWebhookRequest,
  type WebhookKind,
  type WebhookProvider,
  AnymailConfigurationError,
} from "@anymail/core";
import type { WebhookHandlerOptions } from "../handler.js";
import { createMemoryReplayStore } from "../replay-store.js";
import { createBasicAuthCheck } from "./basic-auth.js";
import { readBodyWithLimit } from "./read-body.js";
import { routeOf, type WebhookRoute } from "./route.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const ALLOW = "POST, HEAD";

/** The handler plus what adapters need to decide whether a request is theirs. */
export interface WebhookEngine {
  handle(request: Request): Promise<Response>;
  /** Whether `pathname` names a served provider and kind (adapters pass others on). */
  matches(pathname: string): boolean;
  readonly maxBodyBytes: number;
  /** The configured logger (or the console one), for adapter-level problems. */
  readonly log: Logger;
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body === "" ? null : `${body}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

const consoleLogger: Logger = (record) => {
  const { level, message, ...rest } = record;
  if (level === "error") console.error(`[anymail] ${message}`, rest);
  else if (level === "warn") console.warn(`[anymail] ${message}`, rest);
};

function errorSummary(error: unknown): Record<string, unknown> {
  if (isAnymailError(error))
    return { errorName: error.name, errorCode: error.code, errorMessage: error.message };
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorMessage: String(error) };
}

/** Builds the engine shared by `createWebhookHandler` and the framework adapters. */
export function createWebhookEngine(options: WebhookHandlerOptions): WebhookEngine {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new AnymailConfigurationError(
      `createWebhookHandler: maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`,
    );
  }
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const providers = new Map<string, WebhookProvider>();
  for (const provider of options.providers) {
    const name = provider.name.toLowerCase();
    if (providers.has(name)) {
      throw new AnymailConfigurationError(
        `createWebhookHandler: two providers are named "${name}"; each needs its own URL segment`,
      );
    }
    providers.set(name, provider);
  }
  const basicAuth = createBasicAuthCheck(options.basicAuth);
  const replayStore =
    options.replayStore === false ? undefined : (options.replayStore ?? createMemoryReplayStore());
  const log = options.logger ?? consoleLogger;
  const inFlight = new Map<string, Promise<boolean>>();

  const handles = (kind: WebhookKind) =>
    kind === "tracking" ? options.onTracking !== undefined : options.onInbound !== undefined;

  const served = (route: WebhookRoute | undefined): WebhookProvider | undefined => {
    if (route === undefined || !handles(route.kind)) return undefined;
    const provider = providers.get(route.provider);
    return provider?.kinds.includes(route.kind) ? provider : undefined;
  };

  if (!basicAuth.configured) {
    const open: string[] = [];
    for (const [name, provider] of providers) {
      for (const kind of provider.kinds) {
        if (handles(kind) && !provider.isSigned(kind)) open.push(`/${name}/${kind}`);
      }
    }
    if (open.length > 0) {
      log({
        level: "warn",
        message: `INSECURE webhook configuration: ${open.join(", ")} check neither a signature nor basic auth, so anyone on the web can post fake events. Set the provider's signing secret, or basicAuth / ANYMAIL_WEBHOOK_SECRET.`,
        routes: open,
      });
    }
  }

  async function dispatch(
    provider: WebhookProvider,
    parsed: ParsedWebhook,
    request: Request,
  ): Promise<void> {
    const context = { provider: provider.name, kind: parsed.kind, request };
    if (parsed.kind === "tracking") {
      for (const event of parsed.events) await options.onTracking?.(event, context);
    } else {
      for (const event of parsed.events) await options.onInbound?.(event, context);
    }
  }

  /** Parses and dispatches; never rejects, so a concurrent duplicate can wait on it. */
  async function process(
    provider: WebhookProvider,
    route: WebhookRoute,
    raw: RawWebhookRequest,
    request: Request,
    deliveryId: string | undefined,
    key: string | undefined,
  ): Promise<Response> {
    const where = {
      provider: provider.name,
      kind: route.kind,
      ...(deliveryId ? { deliveryId } : {}),
    };
    let parsed: ParsedWebhook;
    try {
      parsed = await provider.parse(route.kind, raw, deliveryId ? { deliveryId } : {});
    } catch (error) {
      if (isAnymailError(error, "invalid_webhook_payload")) {
        log({
          level: "warn",
          message: `Rejected a malformed ${provider.name} ${route.kind} webhook`,
          ...where,
          ...errorSummary(error),
        });
        return text(400, error.message);
      }
      log({
        level: "error",
        message: `Could not process a ${provider.name} ${route.kind} webhook`,
        ...where,
        ...errorSummary(error),
      });
      if (isAnymailError(error, "api_error")) {
        return text(502, `Could not complete the event from ${provider.name}'s API; please retry`);
      }
      return text(500, "Webhook processing failed; please retry");
    }
    try {
      await dispatch(provider, parsed, request);
    } catch (error) {
      log({
        level: "error",
        message: `The ${route.kind} handler threw; answering 500 so ${provider.name} retries`,
        ...where,
        ...errorSummary(error),
      });
      return text(500, "Webhook handler failed; please retry");
    }
    if (key !== undefined && replayStore !== undefined) {
      try {
        await replayStore.add(key);
      } catch (error) {
        // The events were handled; a store outage must not make the ESP resend them.
        log({
          level: "error",
          message: "The replay store could not record a handled delivery",
          ...where,
          ...errorSummary(error),
        });
      }
    }
    return text(200, "");
  }

  async function handle(request: Request): Promise<Response> {
    try {
      return await handleRequest(request);
    } catch (error) {
      // E.g. a replay store that is down: answer 500 so the ESP delivers again later.
      log({ level: "error", message: "Webhook request failed", ...errorSummary(error) });
      return text(500, "Webhook processing failed; please retry");
    }
  }

  async function handleRequest(request: Request): Promise<Response> {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      return text(404, "Not found");
    }
    const route = routeOf(pathname);
    const provider = served(route);
    if (route === undefined || provider === undefined) return text(404, "Not found");

    if (request.method === "HEAD") return new Response(null, { status: 200 });
    if (request.method !== "POST") {
      return text(405, "Method not allowed", { allow: ALLOW });
    }
    if (basicAuth.configured && !(await basicAuth.check(request.headers.get("authorization")))) {
      await request.body?.cancel().catch(() => {});
      return text(401, "Missing or invalid basic auth", {
        "www-authenticate": 'Basic realm="anymail", charset="UTF-8"',
      });
    }

    const read = await readBodyWithLimit(request, maxBodyBytes, bodyTimeoutMs);
    if (!read.ok) {
      if (read.reason === "too_large") {
        return text(413, `Body larger than ${maxBodyBytes} bytes`, { connection: "close" });
      }
      if (read.reason === "timeout")
        return text(408, "Body not received in time", { connection: "close" });
      return text(400, "Body could not be read");
    }
    const raw: RawWebhookRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: read.body,
    };

    let deliveryId: string | undefined;
    try {
      deliveryId = (await provider.verify(route.kind, raw)).deliveryId;
    } catch (error) {
      if (isAnymailError(error, "webhook_validation_failure")) {
        log({
          level: "warn",
          message: (error as AnymailError).message,
          provider: provider.name,
          kind: route.kind,
        });
        return text(401, error.message);
      }
      log({
        level: "error",
        message: `Could not verify a ${provider.name} ${route.kind} webhook`,
        provider: provider.name,
        kind: route.kind,
        ...errorSummary(error),
      });
      return text(500, "Webhook verification failed; please retry");
    }

    const key =
      deliveryId === undefined || replayStore === undefined
        ? undefined
        : `${provider.name}/${route.kind}/${deliveryId}`;
    if (key !== undefined) {
      if (await replayStore!.has(key)) return text(200, "Already handled");
      const earlier = inFlight.get(key);
      // A concurrent redelivery waits for the first attempt instead of running in parallel.
      if (earlier !== undefined && (await earlier)) return text(200, "Already handled");
    }

    const work = process(provider, route, raw, request, deliveryId, key);
    if (key === undefined) return work;
    const succeeded = work.then((response) => response.ok);
    inFlight.set(key, succeeded);
    try {
      return await work;
    } finally {
      if (inFlight.get(key) === succeeded) inFlight.delete(key);
    }
  }

  return {
    handle,
    matches: (pathname) => served(routeOf(pathname)) !== undefined,
    maxBodyBytes,
    log,
  };
}
