import type { FeatureSupport, Provider, SendResult } from "@anymail/core";
import { createHttpClient, isSuccessStatus, toEspResponse, toJson } from "@anymail/http";
import { type __Name__Options, resolveConfig } from "./config.js";
import { toPayload } from "./message-converter.js";
import { __name__ApiError, messageIdOf, refusedOf } from "./responses.js";

/**
 * What __Name__ can't do. Core throws AnymailUnsupportedFeature for these before any
 * HTTP call, so `send` never sees them unless the caller ignores unsupported features.
 */
export const __name__Features: FeatureSupport = {
  unsupported: [
    "envelopeSender",
    "trackClicks",
    "trackOpens",
    "templateId",
    "mergeData",
    "mergeGlobalData",
    "mergeMetadata",
    "mergeHeaders",
  ],
  quirks: [
    {
      feature: "non-ASCII local parts (EAI)",
      description: "The API only accepts ASCII mailbox names.",
      when: (message) =>
        [message.from, ...message.to, ...message.cc, ...message.bcc].some((a) => a.usesEai),
    },
  ],
};

/**
 * Creates the __Name__ provider.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { __name__ } from "@anymail/__name__";
 *
 * const mailer = createMailer({ provider: __name__({ apiKey: "key" }) });
 * ```
 */
export function __name__(options: __Name__Options = {}): Provider {
  const config = resolveConfig(options);
  // The kit's pooled client: timeouts, abort, byte limits, and errors whose `kind` says
  // whether the request may have been accepted.
  const http = createHttpClient({
    provider: "__Name__",
    redaction: config.redaction,
    // Same answer as `idempotent` below; false keeps Deno's fetch from re-sending a request.
    idempotent: true,
  });
  const url = new URL("emails", config.apiUrl);
  return {
    name: "__Name__",
    features: __name__Features,
    // Does the ESP de-duplicate by the Idempotency-Key header? If not, say false: core
    // then never retries a failure that may have been accepted.
    idempotent: true,
    redaction: config.redaction,
    async send(message, context): Promise<SendResult> {
      const response = toEspResponse(
        await http.request({
          method: "POST",
          url,
          headers: {
            authorization: `Bearer ${config.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": context.idempotencyKey,
          },
          body: toJson("__Name__", toPayload(message), "espExtra"),
          timeoutMs: config.timeoutMs,
          signal: context.signal,
        }),
        config.redaction,
      );
      if (!isSuccessStatus(response.status)) throw __name__ApiError(response);
      const id = messageIdOf(response);
      const refused = refusedOf(response);
      const recipients: SendResult["recipients"] = {};
      for (const address of [...message.to, ...message.cc, ...message.bcc]) {
        recipients[address.addrSpec] = refused.has(address.addrSpec.toLowerCase())
          ? { status: "rejected" }
          : { status: "queued", messageId: id };
      }
      const status = new Set(Object.values(recipients).map((r) => r.status));
      return { messageId: id, status, recipients, espResponse: response };
    },
    close: () => http.close(),
  };
}
