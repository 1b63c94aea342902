/**
 * @anymail/resend/internal-unstable: the provider's internals, for benchmarks and tools
 * that time one stage. **Not a stable API**: it may change in any release.
 *
 * @example
 * ```ts
 * import { prepareMessage } from "@anymail/core";
 * import { planResendRequests } from "@anymail/resend/internal-unstable";
 *
 * const plan = planResendRequests(prepareMessage(message));
 * plan.calls.length; // 1, or ⌈to/100⌉ for a batch
 * ```
 * @module
 */
export { planResendRequests } from "./message-converter.js";
export type {
  ResendAttachmentPayload,
  ResendCall,
  ResendEmailPayload,
  ResendRequestPlan,
} from "./message-converter.js";
export { RESEND_MAX_BATCH_SIZE, RESEND_MAX_TO_RECIPIENTS } from "./quirks.js";
export { createSvixVerifier } from "./webhooks/svix.js";
export type { SvixVerifier } from "./webhooks/svix.js";
