/**
 * @anymail/core/testing: an in-memory provider for your tests. It needs no test framework
 * (Jest, node:test, mocha and vitest all work); the conformance suite for provider
 * packages, which uses vitest, is `@anymail/core/conformance`.
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
export { createTestWebhookProvider } from "./internal/testing/test-webhook-provider.js";
export type {
  TestSignOptions,
  TestWebhookProvider,
  TestWebhookProviderOptions,
} from "./internal/testing/test-webhook-provider.js";
