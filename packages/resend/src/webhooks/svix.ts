import { AnymailConfigurationError, AnymailWebhookValidationFailure } from "@anymail/core";
import {
  createHmacSha256,
  fromBase64,
  type HmacEngine,
  type HmacSha256,
  timingSafeEqualStrings,
} from "@anymail/http";

/**
 * Checks one delivery's svix signature; throws (or rejects with)
 * AnymailWebhookValidationFailure when it is not authentic.
 *
 * @example
 * ```ts
 * const verify: SvixVerifier = createSvixVerifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "signingSecret");
 * await verify(bodyBytes, request.headers); // throws AnymailWebhookValidationFailure if forged
 * ```
 */
export type SvixVerifier = (body: Uint8Array, headers: Headers) => void | Promise<void>;

/** svix's (and Standard Webhooks') tolerance between the signed timestamp and our clock. */
const TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = "whsec_";
// Canonical padded base64 only: a secret with a stray or missing character is a paste error
// that deserves an error now, not a verifier that refuses every delivery.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key inside a svix secret (`whsec_` is optional, as in svix), or undefined. */
export function svixSecretKey(secret: string): Uint8Array | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === "" || !BASE64.test(encoded)) return undefined;
  return fromBase64(encoded);
}

/** svix's header names, `svix-*` first, then the Standard Webhooks `webhook-*` ones. */
function header(headers: Headers, name: "id" | "timestamp" | "signature"): string {
  return headers.get(`svix-${name}`) ?? headers.get(`webhook-${name}`) ?? "";
}

/** Whether any `v1,<base64>` entry of a space-separated signature list is `expected`. */
function anyV1Matches(signatures: string, expected: string): boolean {
  let matched = false;
  for (const entry of signatures.split(" ")) {
    const [version, signature] = entry.split(",");
    // Every entry is compared (no early exit), so timing says nothing about which matched.
    if (version === "v1" && signature !== undefined) {
      matched = timingSafeEqualStrings(signature, expected) || matched;
    }
  }
  return matched;
}

/**
 * Builds a verifier of the svix / Standard Webhooks scheme for one secret: base64
 * HMAC-SHA256 of `<id>.<timestamp>.` followed by the EXACT body bytes, accepted when any
 * `v1,` entry of the signature header matches and the timestamp is within 5 minutes of
 * now. It decides as svix 1.x's `Webhook#verify` does (a differential test holds it to
 * that), except that a body that is not valid UTF-8 is checked over its bytes rather than
 * over svix's decoded text. The secret stays in the closure; no message mentions it.
 * `engine: "web-crypto"` forces the portable path (tests and benchmarks use it on Node).
 *
 * @example
 * ```ts
 * const verify = createSvixVerifier(secret, "RESEND_SIGNING_SECRET (signingSecret)");
 * const pending = verify(body, headers); // undefined on node:crypto, a promise on Web Crypto
 * if (pending !== undefined) await pending;
 * ```
 */
export function createSvixVerifier(
  secret: string,
  settingName: string,
  engine: HmacEngine = "auto",
): SvixVerifier {
  const key = svixSecretKey(secret);
  if (key === undefined || key.length === 0) {
    throw new AnymailConfigurationError(
      `Resend ${settingName} is not a usable Svix signing secret (expected whsec_<base64>, as shown in Resend's webhook settings)`,
      { provider: "Resend" },
    );
  }
  const mac: HmacSha256 = createHmacSha256(key, "base64", engine);
  const refuse = (reason: string) =>
    new AnymailWebhookValidationFailure(
      `Resend webhook signature check failed: ${reason} (check the ${settingName} setting)`,
      { provider: "Resend" },
    );

  return (body, headers) => {
    const id = header(headers, "id");
    const timestampHeader = header(headers, "timestamp");
    const signatures = header(headers, "signature");
    if (id === "" || timestampHeader === "" || signatures === "") {
      throw refuse("Missing required headers");
    }
    // parseInt, like svix: the signed text carries the number it reads, not the raw header.
    const timestamp = Number.parseInt(timestampHeader, 10);
    if (Number.isNaN(timestamp)) throw refuse("Invalid Signature Headers");
    const now = Math.floor(Date.now() / 1000);
    if (now - timestamp > TOLERANCE_SECONDS) throw refuse("Message timestamp too old");
    if (timestamp > now + TOLERANCE_SECONDS) throw refuse("Message timestamp too new");

    const expected = mac([`${id}.${timestamp}.`, body]);
    if (typeof expected === "string") {
      if (!anyV1Matches(signatures, expected)) throw refuse("No matching signature found");
      return;
    }
    return expected.then((value) => {
      if (!anyV1Matches(signatures, value)) throw refuse("No matching signature found");
    });
  };
}
