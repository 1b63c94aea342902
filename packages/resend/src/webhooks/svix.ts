import {
  AnymailConfigurationError,
  AnymailImproperlyInstalled,
  AnymailWebhookValidationFailure,
} from "@anymail/core";
import { createLazyRequire, loadOptional } from "@anymail/http";

/** The part of svix 1.x's `Webhook` class we use. */
interface SvixWebhook {
  verify(payload: string, headers: Record<string, string>): unknown;
}
type SvixWebhookClass = new (secret: string) => SvixWebhook;

/** A `require` for an optional peer, in both the ESM and the CJS build. */
export type OptionalRequire = (id: string) => unknown;

const SVIX = {
  provider: "Resend",
  packageName: "svix",
  feature: "Resend webhook signature verification",
  install: "npm install svix@1",
};

/**
 * Loads svix's `Webhook` class synchronously, so a missing optional peer is reported
 * when the provider is built rather than on the first delivery.
 */
export function loadSvixWebhook(
  load: OptionalRequire = createLazyRequire(import.meta.url),
): SvixWebhookClass {
  const svix = loadOptional(() => load("svix"), SVIX);
  const Webhook = (svix as { Webhook?: unknown } | null)?.Webhook;
  if (typeof Webhook !== "function") {
    throw new AnymailImproperlyInstalled(SVIX.packageName, SVIX.feature, {
      provider: SVIX.provider,
      install: "npm install svix@1 (svix has no Webhook export; version 1.x is required)",
    });
  }
  return Webhook as SvixWebhookClass;
}

/** What a successful check learned about the body, so parsing need not decode it again. */
export type VerifiedBody =
  /** svix parsed the body: the exact value `JSON.parse` gives for these UTF-8 bytes. */
  | { readonly json: unknown }
  /** Authentic, but not something the fast path can reuse (not JSON, not UTF-8, a BOM). */
  | undefined;

// Only these names matter to svix (it prefers svix-* over webhook-*); reading them by name
// avoids iterating (and sorting) every header of the request.
const SVIX_HEADER_NAMES = [
  "svix-id",
  "svix-timestamp",
  "svix-signature",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
] as const;

// ignoreBOM keeps a leading byte-order mark: it is part of the signed bytes.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Builds a verifier for one secret. The secret is kept in the closure only; no error
 * message or log record mentions it. It returns svix's parse of the body when that parse
 * equals what payload parsing would compute (valid UTF-8 without a BOM), so the body is
 * decoded and parsed once per delivery instead of twice.
 */
export function createSvixVerifier(
  Webhook: SvixWebhookClass,
  secret: string,
  settingName: string,
): (body: Uint8Array, headers: Headers) => VerifiedBody {
  let webhook: SvixWebhook;
  try {
    webhook = new Webhook(secret);
  } catch {
    // svix's own error is dropped on purpose: it could quote the secret.
    throw new AnymailConfigurationError(
      `Resend ${settingName} is not a usable Svix signing secret (expected whsec_<base64>, as shown in Resend's webhook settings)`,
      { provider: "Resend" },
    );
  }
  return (body, headers) => {
    const svixHeaders: Record<string, string> = {};
    for (const name of SVIX_HEADER_NAMES) {
      const value = headers.get(name);
      if (value !== null) svixHeaders[name] = value;
    }
    let text: string;
    let reusable = true;
    try {
      text = strictDecoder.decode(body);
    } catch {
      // Invalid UTF-8 is still checked over its (replaced) text, as svix would; parsing
      // then reports the bytes as malformed.
      text = lenientDecoder.decode(body);
      reusable = false;
    }
    let json: unknown;
    try {
      json = webhook.verify(text, svixHeaders);
    } catch (error) {
      // svix JSON-parses the body only after the signature matched: a SyntaxError means an
      // authentic body that isn't JSON, which parsing reports as a 400.
      if (error instanceof SyntaxError) return undefined;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AnymailWebhookValidationFailure(
        `Resend webhook signature check failed: ${reason} (check the ${settingName} setting)`,
        { provider: "Resend" },
      );
    }
    // A BOM makes svix's JSON.parse fail above; checked anyway so the rule stays local.
    return reusable && text.charCodeAt(0) !== 0xfeff ? { json } : undefined;
  };
}
