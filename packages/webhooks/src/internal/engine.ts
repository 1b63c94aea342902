import {
  AnymailConfigurationError,
  isAnymailError,
  type Logger,
  type ParsedWebhook,
  type RawWebhookRequest,
  type VerifiedWebhook,
  type WebhookKind,
  type WebhookProvider,
} from "@anymail/core";
import type { WebhookEventContext, WebhookHandlerOptions } from "../options.js";
import { createMemoryReplayStore } from "../replay-store.js";
import { createBasicAuthCheck } from "./basic-auth.js";
import { createDeadlines } from "./deadlines.js";
import { createDeduplicator } from "./dedupe.js";
import type { WebhookInput } from "./input.js";
import { consoleLogger, errorSummary, redactingLogger } from "./log.js";
import { requireBasicAuthWhereNeeded, servedRoutes, warnIfInsecure } from "./providers.js";
import { HANDLED, HEAD_OK, textReply as text, type WebhookReply } from "./reply.js";
import { routeOf, type WebhookRoute } from "./route.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const ALLOW = "POST, HEAD";
const ALREADY_HANDLED = Object.freeze(text(200, "Already handled"));

/** The byte-level webhook pipeline every adapter and `handle()` run through. */
export interface WebhookEngine {
  /** Routes, authenticates, reads, verifies, de-duplicates, parses, dispatches; never rejects. */
  process(input: WebhookInput): Promise<WebhookReply>;
  /** Whether `pathname` names a served provider and kind (adapters pass others on). */
  matches(pathname: string): boolean;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  /** The configured logger (or the console one), for adapter-level problems. */
  readonly log: Logger;
}

/** The context handed to handlers, with `request` built on first read. */
function lazyContext(
  provider: string,
  kind: WebhookKind,
  input: WebhookInput,
  body: Uint8Array,
): WebhookEventContext {
  let request: Request | undefined;
  return {
    provider,
    kind,
    get request() {
      request ??= input.toRequest(body);
      return request;
    },
  };
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
  const deadlines = createDeadlines(bodyTimeoutMs);
  const routes = servedRoutes(options);
  const basicAuth = createBasicAuthCheck(options.basicAuth);
  const log = redactingLogger(options.logger ?? consoleLogger, options.providers);
  const replayStore =
    options.replayStore === false ? undefined : (options.replayStore ?? createMemoryReplayStore());
  const dedupe = createDeduplicator(replayStore, log);
  if (!basicAuth.configured) {
    requireBasicAuthWhereNeeded(options.providers);
    warnIfInsecure(routes.unsigned(), log);
  }

  async function dispatch(
    provider: WebhookProvider,
    parsed: ParsedWebhook,
    input: WebhookInput,
    body: Uint8Array,
  ): Promise<void> {
    // One context per delivery, shared by its events.
    const context = lazyContext(provider.name, parsed.kind, input, body);
    // Handlers that return nothing cost no extra turn of the microtask queue.
    if (parsed.kind === "tracking") {
      for (const event of parsed.events) {
        const pending = options.onTracking?.(event, context);
        if (pending !== undefined) await pending;
      }
    } else {
      for (const event of parsed.events) {
        const pending = options.onInbound?.(event, context);
        if (pending !== undefined) await pending;
      }
    }
  }

  /** Parses, dispatches and records; never rejects, so a concurrent duplicate can wait on it. */
  async function complete(
    provider: WebhookProvider,
    route: WebhookRoute,
    raw: RawWebhookRequest,
    input: WebhookInput,
    verified: VerifiedWebhook,
    key: string | undefined,
  ): Promise<WebhookReply> {
    const deliveryId = verified.deliveryId;
    // Only failures log, so the log fields are built only then.
    const where = () => ({
      provider: provider.name,
      kind: route.kind,
      ...(deliveryId ? { deliveryId } : {}),
    });
    let parsed: ParsedWebhook;
    try {
      parsed = await provider.parse(route.kind, raw, verified);
    } catch (error) {
      if (isAnymailError(error, "invalid_webhook_payload")) {
        log({
          level: "warn",
          message: `Rejected a malformed ${provider.name} ${route.kind} webhook`,
          ...where(),
          ...errorSummary(error),
        });
        return text(400, error.message);
      }
      log({
        level: "error",
        message: `Could not process a ${provider.name} ${route.kind} webhook`,
        ...where(),
        ...errorSummary(error),
      });
      if (isAnymailError(error, "api_error")) {
        return text(502, `Could not complete the event from ${provider.name}'s API; please retry`);
      }
      return text(500, "Webhook processing failed; please retry");
    }
    try {
      await dispatch(provider, parsed, input, raw.body);
    } catch (error) {
      log({
        level: "error",
        message: `The ${route.kind} handler threw; answering 500 so ${provider.name} retries`,
        ...where(),
        ...errorSummary(error),
      });
      return text(500, "Webhook handler failed; please retry");
    }
    if (key !== undefined) {
      const recording = dedupe.record(key, where());
      if (recording !== undefined) await recording;
    }
    return HANDLED;
  }

  async function verify(
    provider: WebhookProvider,
    kind: WebhookKind,
    raw: RawWebhookRequest,
  ): Promise<VerifiedWebhook | WebhookReply> {
    try {
      return await provider.verify(kind, raw);
    } catch (error) {
      const where = { provider: provider.name, kind };
      if (isAnymailError(error, "webhook_validation_failure")) {
        log({ level: "warn", message: error.message, ...where });
        return text(401, error.message);
      }
      log({
        level: "error",
        message: `Could not verify a ${provider.name} ${kind} webhook`,
        ...where,
        ...errorSummary(error),
      });
      return text(500, "Webhook verification failed; please retry");
    }
  }

  async function processInput(input: WebhookInput): Promise<WebhookReply> {
    const route = routeOf(input.pathname);
    const provider = routes.providerFor(route);
    if (route === undefined || provider === undefined) return text(404, "Not found");

    if (input.method === "HEAD") return HEAD_OK;
    if (input.method !== "POST") return text(405, "Method not allowed", { allow: ALLOW });
    if (basicAuth.configured && !(await basicAuth.check(input.headers.get("authorization")))) {
      await input.body.discard();
      return text(401, "Missing or invalid basic auth", {
        "www-authenticate": 'Basic realm="anymail", charset="UTF-8"',
      });
    }

    // Bytes already in memory are read synchronously: no promise, no timer.
    const pending = input.body.read(maxBodyBytes, deadlines);
    const read = pending instanceof Promise ? await pending : pending;
    if (!read.ok) {
      if (read.reason === "too_large") {
        return text(413, `Body larger than ${maxBodyBytes} bytes`, { connection: "close" });
      }
      if (read.reason === "timeout") {
        return text(408, "Body not received in time", { connection: "close" });
      }
      return text(400, "Body could not be read");
    }
    const raw: RawWebhookRequest = {
      method: input.method,
      url: input.url,
      headers: input.headers,
      body: read.body,
    };

    const verified = await verify(provider, route.kind, raw);
    if ("status" in verified) return verified;

    const key = dedupe.keyOf(provider.name, route.kind, verified.deliveryId);
    if (key === undefined) return complete(provider, route, raw, input, verified, key);
    const seen = dedupe.handled(key);
    if (typeof seen === "boolean" ? seen : await seen) return ALREADY_HANDLED;
    return dedupe.track(key, complete(provider, route, raw, input, verified, key));
  }

  return {
    process: (input) =>
      processInput(input).catch((error: unknown) => {
        // E.g. a replay store that is down: answer 500 so the ESP delivers again later.
        log({ level: "error", message: "Webhook request failed", ...errorSummary(error) });
        return text(500, "Webhook processing failed; please retry");
      }),
    matches: (pathname) => routes.providerFor(routeOf(pathname)) !== undefined,
    maxBodyBytes,
    bodyTimeoutMs,
    log,
  };
}
