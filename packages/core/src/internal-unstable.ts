/**
 * @anymail/core/internal-unstable: the pipeline stages `createMailer` runs, for benchmarks
 * and tools that time or reuse one stage. **Not a stable API**: names and signatures may
 * change in any release, including patches. Applications use `createMailer`.
 *
 * @example
 * ```ts
 * import { checkFeatures, combineDefaults } from "@anymail/core/internal-unstable";
 * import { prepareMessage } from "@anymail/core";
 *
 * const prepared = checkFeatures(provider, prepareMessage(combineDefaults(defaults, message)));
 * ```
 * @module
 */
export { combineDefaults } from "./defaults.js";
export { checkFeatures } from "./features.js";
export type { CheckFeaturesOptions } from "./features.js";
export { resolveRetryOptions, withRetries } from "./retry.js";
export type { AttemptContext, ResolvedRetryOptions, RetryWait } from "./retry.js";
