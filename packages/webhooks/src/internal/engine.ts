import {
  type AnymailError,
  isAnymailError,
  redactSecrets,
  type SecretRedaction,
  type Logger,
  type ParsedWebhook,
  type RawWebhookRequest,
  type VerifiedWebhook,
  type WebhookKind,
  type WebhookProvider,
  AnymailConfigurationError,
} from "@anymail/core";
import type { WebhookEventContext, WebhookHandlerOptions } from "../handler.js";
import { createMemoryReplayStore } from "../replay-store.js";
import { createBasicAuthCheck } from "./basic-auth.js";
import type { BodySource } from "./body-source.js";
import { webBody } from "./read-body.js";
import { HANDLED, HEAD_OK, textReply as text, toResponse, type WebhookReply } from "./reply.js";
import { routeOf, type WebhookRoute } from "./route.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const ALLOW = "POST, HEAD";

/**
 * A request as the engine needs it, from a Web `Request` or straight from a Node one:
 * the Node adapters fill it without building a `Request` or a Web stream.
 */
export interface WebhookInput {
  method: string;
  /** The absolute URL, as providers see it in `RawWebhookRequest.url`. */
  url: string;
  /** The URL's path, which routes the request. */
  pathname: string;
  headers: Headers;
  body: BodySource;
  /** The Web `Request` for `context.request`; called only when a handler reads it. */
  toRequest(body: Uint8Array): Request;
}

/** The handler plus what adapters need to decide whether a request is theirs. */
export interface WebhookEngine {
  handle(request: Request): Promise<Response>;
  /** The byte-level core behind `handle`; never rejects. */
  process(input: WebhookInput): Promise<WebhookReply>;
  /** Whether `pathname` names a served provider and kind (adapters pass others on). */
  matches(pathname: string): boolean;
  readonly maxBodyBytes: number;
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
  // Every record goes through the providers' redaction (an API error may echo a key).
  const redaction: SecretRedaction = {
    keys: options.providers.flatMap((p) => p.redaction?.keys ?? []),
    patterns: options.providers.flatMap((p) => p.redaction?.patterns ?? []),
    values: options.providers.flatMap((p) => p.redaction?.values ?? []),
  };
  const sink = options.logger ?? consoleLogger;
  const log: Logger = (record) => sink(redactSecrets(record, redaction));
  const inFlight = new Map<string, Promise<boolean>>();

  const handles = (kind: WebhookKind) =>
    kind === "tracking" ? options.onTracking !== undefined : options.onInbound !== undefined;

  const served = (route: WebhookRoute | undefined): WebhookProvider | undefined => {
    if (route === undefined || !handles(route.kind)) return undefined;
    const provider = providers.get(route.provider);
    return provider?.kinds.includes(route.kind) ? provider : undefined;
  };

  if (!basicAuth.configured) {
    const strict = [...providers.values()].filter((p) => p.requiresBasicAuth === true);
    if (strict.length > 0) {
      const names = strict.map((p) => p.name).join(", ");
      throw new AnymailConfigurationError(
        `createWebhookHandler: ${names} webhooks carry no signature, so basicAuth (or ANYMAIL_WEBHOOK_SECRET) is required. Put the same "user:password" in the webhook URL you give the ESP (https://user:password@example.com/anymail/...), or pass allowUnauthenticated: true to the provider to accept unauthenticated posts.`,
      );
    }
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
    input: WebhookInput,
    body: Uint8Array,
  ): Promise<void> {
    // One context per delivery, shared by its events, as before.
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

  /** Parses and dispatches; never rejects, so a concurrent duplicate can wait on it. */
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
    if (key !== undefined && replayStore !== undefined) {
      try {
        // The in-memory store answers synchronously: no extra microtask turn for it.
        const recording = replayStore.add(key);
        if (recording !== undefined) await recording;
      } catch (error) {
        // The events were handled; a store outage must not make the ESP resend them.
        log({
          level: "error",
          message: "The replay store could not record a handled delivery",
          ...where(),
          ...errorSummary(error),
        });
      }
    }
    return HANDLED;
  }

  function process(input: WebhookInput): Promise<WebhookReply> {
    return processInput(input).catch((error: unknown) => {
      // E.g. a replay store that is down: answer 500 so the ESP delivers again later.
      log({ level: "error", message: "Webhook request failed", ...errorSummary(error) });
      return text(500, "Webhook processing failed; please retry");
    });
  }

  async function handle(request: Request): Promise<Response> {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      return toResponse(text(404, "Not found"));
    }
    const input: WebhookInput = {
      method: request.method,
      url: request.url,
      pathname,
      headers: request.headers,
      body: webBody(request),
      toRequest: () => request,
    };
    return toResponse(await process(input));
  }

  async function processInput(input: WebhookInput): Promise<WebhookReply> {
    const route = routeOf(input.pathname);
    const provider = served(route);
    if (route === undefined || provider === undefined) return text(404, "Not found");

    if (input.method === "HEAD") return HEAD_OK;
    if (input.method !== "POST") {
      return text(405, "Method not allowed", { allow: ALLOW });
    }
    if (basicAuth.configured && !(await basicAuth.check(input.headers.get("authorization")))) {
      await input.body.discard();
      return text(401, "Missing or invalid basic auth", {
        "www-authenticate": 'Basic realm="anymail", charset="UTF-8"',
      });
    }

    // Bytes already in memory are read synchronously: no promise, no timer.
    const pending = input.body.read(maxBodyBytes, bodyTimeoutMs);
    const read = pending instanceof Promise ? await pending : pending;
    if (!read.ok) {
      if (read.reason === "too_large") {
        return text(413, `Body larger than ${maxBodyBytes} bytes`, { connection: "close" });
      }
      if (read.reason === "timeout")
        return text(408, "Body not received in time", { connection: "close" });
      return text(400, "Body could not be read");
    }
    const raw: RawWebhookRequest = {
      method: input.method,
      url: input.url,
      headers: input.headers,
      body: read.body,
    };

    let verified: VerifiedWebhook;
    try {
      verified = await provider.verify(route.kind, raw);
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

    const deliveryId = verified.deliveryId;
    const key =
      deliveryId === undefined || replayStore === undefined
        ? undefined
        : `${provider.name}/${route.kind}/${deliveryId}`;
    if (key !== undefined) {
      const known = replayStore!.has(key);
      if (typeof known === "boolean" ? known : await known) return text(200, "Already handled");
      const earlier = inFlight.get(key);
      // A concurrent redelivery waits for the first attempt instead of running in parallel.
      if (earlier !== undefined && (await earlier)) return text(200, "Already handled");
    }

    const work = complete(provider, route, raw, input, verified, key);
    if (key === undefined) return work;
    const succeeded = work.then((reply) => reply.status >= 200 && reply.status < 300);
    inFlight.set(key, succeeded);
    try {
      return await work;
    } finally {
      if (inFlight.get(key) === succeeded) inFlight.delete(key);
    }
  }

  return {
    handle,
    process,
    matches: (pathname) => served(routeOf(pathname)) !== undefined,
    maxBodyBytes,
    log,
  };
}
