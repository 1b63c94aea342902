/**
 * Whether a status is a success (2xx).
 *
 * @example
 * ```ts
 * if (!isSuccessStatus(response.status)) throw apiErrorFromResponse("Example", espResponse, { retryable: false });
 * ```
 */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}
