/**
 * Test helpers shared across the repository's test suites and benchmarks: the one seeded
 * PRNG (also behind the emulator's fault decisions), the one svix signer (also behind the
 * Resend personality's webhooks) and a TCP gate that takes an emulator down for real.
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { svixSigner } from "./internal/webhooks/svix-signature.js";

export { seededRandom } from "./internal/lifecycle/random.js";
export { generateWebhookSecret, svixSigner } from "./internal/webhooks/svix-signature.js";
export { startTcpGate } from "./internal/faults/tcp-gate.js";
export type { TcpGate } from "./internal/faults/tcp-gate.js";

/**
 * Options of {@link svixSignedHeaders}.
 *
 * @example
 * ```ts
 * const options: SvixSignOptions = { id: "msg_1", at: new Date(), prefix: "webhook" };
 * ```
 */
export interface SvixSignOptions {
  /** The message id; random `msg_…` by default. */
  id?: string;
  /** The signing time; now by default. */
  at?: Date;
  /** `svix-*` (default) or the Standard Webhooks `webhook-*` header names. */
  prefix?: "svix" | "webhook";
}

/**
 * The headers of a svix-signed webhook POST of `body` (a string, or raw bytes that need not be
 * UTF-8), as Resend sends them: `content-type` plus `<prefix>-id`, `-timestamp`, `-signature`.
 *
 * @example
 * ```ts
 * import { svixSignedHeaders } from "@anymail/emulator/testing";
 *
 * const body = JSON.stringify({ type: "email.delivered", created_at: "…", data: {} });
 * await fetch(`${appUrl}/anymail/resend/tracking`, {
 *   method: "POST",
 *   headers: svixSignedHeaders("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", body),
 *   body,
 * });
 * ```
 */
export function svixSignedHeaders(
  secret: string,
  body: string | Uint8Array,
  options: SvixSignOptions = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(12).toString("hex")}`;
  const at = options.at ?? new Date();
  const prefix = options.prefix ?? "svix";
  return {
    "content-type": "application/json",
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
    [`${prefix}-signature`]: svixSigner(secret)(id, at, body),
  };
}
