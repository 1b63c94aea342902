/**
 * This package's version, sent in the `User-Agent` header. A test keeps it equal to package.json.
 *
 * @example
 * ```ts
 * postmark({ userAgent: `my-app/1.0 anymail-postmark/${VERSION}` });
 * ```
 */
export const VERSION = "0.1.0";
