/**
 * @anymail/resend/internal-unstable: the provider's internals, for benchmarks and tools
 * that time one stage. **Not a stable API**: it may change in any release.
 *
 * @example
 * ```ts
 * import { prepareMessage } from "@anymail/core";
 * import { planResendRequest } from "@anymail/resend/internal-unstable";
 *
 * const request = planResendRequest(prepareMessage(message));
 * request.body; // the JSON of POST /emails, or of POST /emails/batch for a batch send
 * ```
 * @module
 */
export { planResendRequest } from "./message-converter.js";
export type {
  ResendAttachmentPayload,
  ResendEmailPayload,
  ResendRequest,
} from "./message-converter.js";
export { RESEND_MAX_BATCH_SIZE, RESEND_MAX_TO_RECIPIENTS } from "./quirks.js";
export { createSvixVerifier } from "./webhooks/svix.js";
export type { SvixVerifier } from "./webhooks/svix.js";
