/**
 * @anymail/core/conformance: the suite every provider package runs. It imports vitest (an
 * optional peer dependency of @anymail/core), so it lives apart from `@anymail/core/testing`,
 * which apps load under any test framework.
 *
 * @example
 * ```ts
 * import { describeProviderConformance } from "@anymail/core/conformance";
 *
 * describeProviderConformance({ name: "Acme", createProvider: () => acme({ apiKey: "k", apiUrl }) });
 * ```
 * @module
 */
export { describeProviderConformance } from "./internal/testing/conformance.js";
export type {
  ConformanceErrorCase,
  ConformanceOptions,
} from "./internal/testing/conformance.js";
