/**
 * @anymail/core/conformance: the provider conformance suites, as vitest tests (vitest is an
 * optional peer dependency, needed only by this entry).
 *
 * @example
 * ```ts
 * import { describeProviderConformance, describeWebhookConformance } from "@anymail/core/conformance";
 *
 * describeProviderConformance({ name: "Example", createProvider: () => example(), validMessage });
 * describeWebhookConformance({ name: "Example", createProvider: () => exampleWebhooks(), sign, fixtures });
 * ```
 * @module
 */
export { describeProviderConformance } from "./internal/testing/conformance.js";
export type {
  ConformanceErrorCase,
  ConformanceOptions,
} from "./internal/testing/conformance.js";
export type {
  ConformanceCapture,
  ConformancePayloadMapping,
  ConformanceQuirkSample,
  ConformanceRecipientRefusal,
  ConformanceTemplateSend,
} from "./internal/testing/conformance-options.js";
export { describeWebhookConformance } from "./internal/testing/webhook-conformance.js";
export type {
  ConformanceHandlerFactory,
  WebhookConformanceOptions,
  SignedDelivery,
  WebhookFixture,
  WebhookRequestCase,
} from "./internal/testing/webhook-conformance.js";
