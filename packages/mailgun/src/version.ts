/**
 * The version of `@anymail/mailgun`, sent in the default `User-Agent`.
 *
 * @example
 * ```ts
 * console.log(`anymail-mailgun/${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
