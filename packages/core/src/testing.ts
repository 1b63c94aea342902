/**
 * @anymail/core/testing: framework-free test helpers (no vitest, Jest or mocha import):
 * an in-memory provider, a neutral signed webhook provider, a capture HTTP server and
 * docs checks. The vitest conformance suites live in `@anymail/core/conformance`.
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
export { startCaptureServer } from "./internal/testing/capture-server.js";
export type {
  CapturedRequest,
  CaptureReply,
  CaptureScript,
  CaptureServer,
  CaptureServerOptions,
} from "./internal/testing/capture-server.js";
export { exportsWithoutExample, markdownTableRows } from "./internal/testing/docs-checks.js";
export { createTestWebhookProvider } from "./internal/testing/test-webhook-provider.js";
export type {
  TestSignOptions,
  TestWebhookProvider,
  TestWebhookProviderOptions,
} from "./internal/testing/test-webhook-provider.js";
