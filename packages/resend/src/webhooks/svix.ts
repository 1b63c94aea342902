import { createRequire } from "node:module";
import {
  AnymailConfigurationError,
  AnymailImproperlyInstalled,
  AnymailWebhookValidationFailure,
} from "@anymail/core";

/** The part of svix 1.x's `Webhook` class we use. */
interface SvixWebhook {
  verify(payload: string, headers: Record<string, string>): unknown;
}
type SvixWebhookClass = new (secret: string) => SvixWebhook;

/** A `require` for an optional peer, in both the ESM and the CJS build. */
export type OptionalRequire = (id: string) => unknown;

function defaultRequire(): OptionalRequire {
  // Not a bare `require`: the bundler would swap in a shim that throws in the ESM build.
  // The CJS build gets `import.meta.url` from the bundler's shim for __filename.
  return createRequire(import.meta.url);
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND";
}

/**
 * Loads svix's `Webhook` class synchronously, so a missing optional peer is reported
 * when the provider is built rather than on the first delivery.
 */
export function loadSvixWebhook(load: OptionalRequire = defaultRequire()): SvixWebhookClass {
  let svix: unknown;
  try {
    svix = load("svix");
  } catch (cause) {
    if (!isModuleNotFound(cause)) throw cause;
    throw new AnymailImproperlyInstalled("svix", "Resend webhook signature verification", {
      provider: "Resend",
      install: "npm install svix@1",
      cause,
    });
  }
  const Webhook = (svix as { Webhook?: unknown } | null)?.Webhook;
  if (typeof Webhook !== "function") {
    throw new AnymailImproperlyInstalled("svix", "Resend webhook signature verification", {
      provider: "Resend",
      install: "npm install svix@1 (svix has no Webhook export; version 1.x is required)",
    });
  }
  return Webhook as SvixWebhookClass;
}

/**
 * Builds a verifier for one secret. The secret is kept in the closure only; no error
 * message or log record mentions it.
 */
export function createSvixVerifier(
  Webhook: SvixWebhookClass,
  secret: string,
  settingName: string,
): (body: Uint8Array, headers: Headers) => void {
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
  // ignoreBOM keeps a leading byte-order mark: it is part of the signed bytes.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  return (body, headers) => {
    const svixHeaders: Record<string, string> = {};
    for (const [name, value] of headers) {
      if (name.startsWith("svix-") || name.startsWith("webhook-")) svixHeaders[name] = value;
    }
    try {
      webhook.verify(decoder.decode(body), svixHeaders);
    } catch (error) {
      // svix JSON-parses the body only after the signature matched: a SyntaxError means an
      // authentic body that isn't JSON, which parsing reports as a 400.
      if (error instanceof SyntaxError) return;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AnymailWebhookValidationFailure(
        `Resend webhook signature check failed: ${reason} (check the ${settingName} setting)`,
        { provider: "Resend" },
      );
    }
  };
}
