import type { VerifiedWebhook } from "@anymail/core";

// svix already JSON-parses an authentic body. verify() leaves that parse on the object it
// returns, which @anymail/webhooks hands back to parse(), so the same bytes are not
// decoded and parsed twice. Non-enumerable: copies and logs of the result never carry it.
const PARSED_BODY = Symbol("anymail.resend.parsedBody");

interface ParsedBody {
  /** The exact bytes that were parsed, so a result reused with other bytes is ignored. */
  readonly body: Uint8Array;
  readonly json: unknown;
}

type WithParsedBody = VerifiedWebhook & { [PARSED_BODY]?: ParsedBody | undefined };

/** Attaches svix's parse of `body` to the verify() result. */
export function rememberParsedBody(verified: VerifiedWebhook, body: Uint8Array, json: unknown) {
  Object.defineProperty(verified, PARSED_BODY, { value: { body, json }, writable: true });
}

/**
 * The parse attached by verify() for these very bytes, once: a second parse() of the same
 * delivery gets objects of its own.
 */
export function takeParsedBody(
  verified: VerifiedWebhook | undefined,
  body: Uint8Array,
): { json: unknown } | undefined {
  const holder = verified as WithParsedBody | undefined;
  const parsed = holder?.[PARSED_BODY];
  if (parsed === undefined || parsed.body !== body) return undefined;
  holder![PARSED_BODY] = undefined;
  return parsed;
}
