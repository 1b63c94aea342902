import type { FastifyPluginAsync } from "fastify";
import type { WebhookHandlerOptions } from "./options.js";
import { createWebhookEngine } from "./internal/engine.js";
import { fromNodeRequest, sendReply } from "./internal/node/bridge.js";

/**
 * Options of {@link anymailFastify}: `createWebhookHandler`'s; Fastify adds `prefix`.
 *
 * @example
 * ```ts
 * await app.register(anymailFastify, { prefix: "/anymail", providers: [resendWebhooks()], onTracking });
 * ```
 */
export type AnymailFastifyOptions = WebhookHandlerOptions;

/**
 * A Fastify 5 plugin serving anymail webhooks under its `prefix`. Inside its own scope it
 * replaces the content-type parsers with a pass-through one, so anymail reads the raw bytes
 * (the signature is over them) with `maxBodyBytes` and `bodyTimeoutMs`; the rest of your
 * app keeps its JSON parsing. Register it without
 * `fastify-plugin` so that scope stays encapsulated.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { anymailFastify } from "@anymail/webhooks/fastify";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * const app = Fastify();
 * await app.register(anymailFastify, { prefix: "/anymail", providers: [resendWebhooks()], onTracking });
 * ```
 */
export const anymailFastify: FastifyPluginAsync<AnymailFastifyOptions> = async (
  fastify,
  options,
) => {
  const engine = createWebhookEngine(options);
  // A pass-through parser: Fastify leaves the body stream unread, and anymail reads it with
  // its own byte limit and bodyTimeoutMs. Fastify's buffering parser has no body timeout
  // (and `requestTimeout` is off by default), so a stalled upload would hold the socket open.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
  fastify.route({
    method: ["POST", "HEAD", "GET", "PUT", "PATCH", "DELETE", "OPTIONS"],
    url: "/*",
    handler: (request, reply) => {
      const input = fromNodeRequest(request.raw);
      // The answer is written to the socket directly; Fastify has nothing left to do.
      reply.hijack();
      engine
        .process(input)
        .then((answer) => sendReply(answer, reply.raw, request.raw))
        .catch((error: unknown) => {
          engine.log({
            level: "error",
            message: "Could not write the webhook answer",
            errorMessage: String(error),
          });
          reply.raw.destroy();
        });
    },
  });
};
