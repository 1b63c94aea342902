import {
  AnymailConfigurationError,
  type Logger,
  type WebhookKind,
  type WebhookProvider,
} from "@anymail/core";
import type { WebhookHandlerOptions } from "../options.js";
import type { WebhookRoute } from "./route.js";

/** Which provider serves a route, given the providers and the handlers configured. */
export interface ServedRoutes {
  /** The provider serving `route`, or undefined (answered 404). */
  providerFor(route: WebhookRoute | undefined): WebhookProvider | undefined;
  /** `/<name>/<kind>` of every served route without a signature. */
  unsigned(): string[];
}

export function servedRoutes(options: WebhookHandlerOptions): ServedRoutes {
  const providers = new Map<string, WebhookProvider>();
  for (const provider of options.providers) {
    const name = provider.name.toLowerCase();
    if (providers.has(name)) {
      throw new AnymailConfigurationError(
        `createWebhookHandler: two providers are named "${name}"; each needs its own URL segment`,
      );
    }
    providers.set(name, provider);
  }
  const handles = (kind: WebhookKind) =>
    kind === "tracking" ? options.onTracking !== undefined : options.onInbound !== undefined;

  return {
    providerFor(route) {
      if (route === undefined || !handles(route.kind)) return undefined;
      const provider = providers.get(route.provider);
      return provider?.kinds.includes(route.kind) ? provider : undefined;
    },
    unsigned() {
      const open: string[] = [];
      for (const [name, provider] of providers) {
        for (const kind of provider.kinds) {
          if (handles(kind) && !provider.isSigned(kind)) open.push(`/${name}/${kind}`);
        }
      }
      return open;
    },
  };
}

/**
 * Refuses a handler without basic auth when a provider's ESP signs nothing and it was not
 * told to accept unauthenticated posts: a warning would be too easy to miss there.
 */
export function requireBasicAuthWhereNeeded(providers: readonly WebhookProvider[]): void {
  const strict = providers.filter((provider) => provider.requiresBasicAuth === true);
  if (strict.length === 0) return;
  const names = strict.map((provider) => provider.name).join(", ");
  throw new AnymailConfigurationError(
    `createWebhookHandler: ${names} webhooks carry no signature, so basicAuth (or ANYMAIL_WEBHOOK_SECRET) is required. Put the same "user:password" in the webhook URL you give the ESP (https://user:password@example.com/anymail/...), or pass allowUnauthenticated: true to the provider to accept unauthenticated posts.`,
  );
}

/** Warns once, at setup, about routes that anyone on the web could post to. */
export function warnIfInsecure(routes: readonly string[], log: Logger): void {
  if (routes.length === 0) return;
  // "basicAuth", not "basic auth": the log redaction masks "Basic <word>" as a credential.
  log({
    level: "warn",
    message: `INSECURE webhook configuration: ${routes.join(", ")} checks neither a signature nor a basicAuth credential, so anyone on the web can post fake events. Set the provider's signing secret, or basicAuth / ANYMAIL_WEBHOOK_SECRET.`,
    routes: [...routes],
  });
}
