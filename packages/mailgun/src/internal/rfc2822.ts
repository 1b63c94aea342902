const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * `o:deliverytime` wants an RFC 2822 date. Core hands dates over as ISO 8601 with an
 * offset; those become `Fri, 04 Mar 2016 13:06:07 GMT` (seconds precision, as anymail).
 * Any other string is the caller's own format and passes through unchanged.
 */
export function toDeliveryTime(sendAt: string): string {
  if (!ISO_WITH_OFFSET.test(sendAt)) return sendAt;
  const date = new Date(sendAt.replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? sendAt : date.toUTCString();
}
