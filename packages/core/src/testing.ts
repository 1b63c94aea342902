/**
 * @anymail/core/testing: an in-memory provider and the provider conformance suite.
 * The suite imports vitest (an optional peer dependency); nothing else in anymail does.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { createTestProvider } from "@anymail/core/testing";
 *
 * const provider = createTestProvider();
 * await createMailer({ provider }).send({ from: "a@example.com", to: "b@example.org" });
 * provider.outbox.length; // 1
 * ```
 * @module
 */
export { createTestProvider } from "./internal/testing/test-provider.js";
export type {
  TestOutboxEntry,
  TestProvider,
  TestProviderOptions,
} from "./internal/testing/test-provider.js";
export { describeProviderConformance } from "./internal/testing/conformance.js";
export type {
  ConformanceErrorCase,
  ConformanceOptions,
} from "./internal/testing/conformance.js";
export { createTestWebhookProvider } from "./internal/testing/test-webhook-provider.js";
export type {
  TestSignOptions,
  TestWebhookProvider,
  TestWebhookProviderOptions,
} from "./internal/testing/test-webhook-provider.js";
