import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { WebhookHandlerOptions } from "./options.js";
import { createWebhookEngine } from "./internal/engine.js";
import { fromNodeRequest, sendReply } from "./internal/node/bridge.js";

/**
 * Options of {@link anymailExpress}: the same as `createWebhookHandler`'s.
 *
 * @example
 * ```ts
 * const options: AnymailExpressOptions = { providers: [resendWebhooks()], onTracking };
 * ```
 */
export type AnymailExpressOptions = WebhookHandlerOptions;

/**
 * The error text (answered with 500 and logged) when a body parser ran before
 * {@link anymailExpress} and the raw bytes are gone.
 *
 * @example
 * ```ts
 * if ((await response.text()).startsWith(EXPRESS_BODY_ALREADY_PARSED.slice(0, 20))) fixMounting();
 * ```
 */
export const EXPRESS_BODY_ALREADY_PARSED =
  "anymailExpress: the request body was already read by another middleware (such as express.json()) " +
  "before anymail saw it, so the exact bytes needed to check the webhook signature are gone. " +
  'Mount anymail before your body parsers: app.use("/anymail", anymailExpress(options)); app.use(express.json()); ' +
  'or keep the raw bytes: import { keepRawBody } from "@anymail/webhooks/express"; app.use(express.json({ verify: keepRawBody })).';

/**
 * A request whose body parser kept the raw bytes with {@link keepRawBody}.
 *
 * @example
 * ```ts
 * app.post("/api/hook", (req, res) => verifyOtherSignature((req as RequestWithRawBody).rawBody));
 * ```
 */
export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

/**
 * The `verify` option for `express.json()` / `express.urlencoded()` / `express.text()` that
 * keeps the exact bytes in `req.rawBody`, so anymail can check signatures when a body parser
 * runs before it. Typed for Express 4 and 5 (`rawBody` is not on `IncomingMessage`).
 *
 * @example
 * ```ts
 * import express from "express";
 * import { anymailExpress, keepRawBody } from "@anymail/webhooks/express";
 *
 * const app = express();
 * app.use(express.json({ verify: keepRawBody })); // a global parser first is fine now
 * app.use("/anymail", anymailExpress(options));
 * ```
 */
export function keepRawBody(
  request: IncomingMessage,
  _response: ServerResponse,
  buffer: Buffer,
): void {
  (request as RequestWithRawBody).rawBody = buffer;
}

/** The raw body a parser kept, if any: `express.raw()` leaves a Buffer in `req.body`. */
function keptRawBody(request: Request): Uint8Array | undefined {
  if (request.body instanceof Uint8Array) return request.body;
  const rawBody = (request as RequestWithRawBody).rawBody;
  if (rawBody instanceof Uint8Array) return rawBody;
  return undefined;
}

// The mounting mistake is a setup error, not a per-delivery one: the ESP retries each
// delivery for a day, so log it once per process (every delivery still gets the 500).
let bodyParsedLogged = false;

/**
 * True when something consumed the stream without keeping the bytes. `req.body` alone
 * proves nothing: body-parser 1.x (Express 4) sets `{}` even when it skipped the request.
 */
function bodyConsumed(request: IncomingMessage & { _body?: unknown }): boolean {
  return request.readableEnded || request._body === true;
}

/**
 * An Express (4 or 5) router serving anymail webhooks under wherever you mount it:
 * `app.use("/anymail", anymailExpress(options))` answers `/anymail/resend/tracking`.
 * Other paths fall through to your app. It reads the raw body itself; if `express.json()`
 * ran first it uses `req.rawBody` when kept ({@link keepRawBody}), and otherwise refuses
 * with a 500 that says how to mount it (logged once per process), never verifying
 * re-serialized JSON.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { anymailExpress } from "@anymail/webhooks/express";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * const app = express();
 * app.use("/anymail", anymailExpress({ providers: [resendWebhooks()], onTracking: async (e) => log(e) }));
 * app.use(express.json()); // after anymail
 * ```
 */
export function anymailExpress(options: AnymailExpressOptions): Router {
  const engine = createWebhookEngine(options);
  const router = express.Router();
  router.use((request: Request, response: Response, next: NextFunction) => {
    if (!engine.matches(request.path)) {
      next();
      return;
    }
    const kept = keptRawBody(request);
    if (kept === undefined && request.method === "POST" && bodyConsumed(request)) {
      if (!bodyParsedLogged) {
        bodyParsedLogged = true;
        engine.log({ level: "error", message: EXPRESS_BODY_ALREADY_PARSED });
      }
      response.status(500).type("text/plain").send(`${EXPRESS_BODY_ALREADY_PARSED}\n`);
      return;
    }
    const input = fromNodeRequest(request, {
      originalUrl: request.originalUrl,
      ...(kept === undefined ? {} : { body: kept }),
    });
    engine
      .process(input)
      .then((reply) => sendReply(reply, response, request))
      .catch(next);
  });
  return router;
}
