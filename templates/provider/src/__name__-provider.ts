import {
  AnymailAPIError,
  type FeatureSupport,
  type Provider,
  type SendResult,
} from "@anymail/core";
import { type __Name__Options, resolveConfig } from "./config.js";
import { postJson } from "./http-client.js";
import { toPayload } from "./message-converter.js";

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
  return {
    name: "__Name__",
    features: __name__Features,
    async send(message, context): Promise<SendResult> {
      const response = await postJson(config, "emails", toPayload(message), {
        idempotencyKey: context.idempotencyKey,
        signal: context.signal,
      });
      const id = (response.body as { id?: unknown } | null)?.id;
      if (typeof id !== "string") {
        throw new AnymailAPIError("Invalid __Name__ API response format", {
          provider: "__Name__",
          kind: "invalid_response",
          response,
        });
      }
      const recipients: SendResult["recipients"] = {};
      for (const address of [...message.to, ...message.cc, ...message.bcc]) {
        recipients[address.addrSpec] = { status: "queued", messageId: id };
      }
      return { messageId: id, status: new Set(["queued"]), recipients, espResponse: response };
    },
    async close() {
      // fetch keeps no pool of ours to release; a pooled client would close it here.
    },
  };
}
