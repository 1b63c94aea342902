/**
 * This package's version, sent in the `User-Agent` header. A test keeps it equal to package.json.
 *
 * @example
 * ```ts
 * resend({ userAgent: `my-app/1.0 anymail-resend/${VERSION}` });
 * ```
 */
export const VERSION = "0.1.0";
