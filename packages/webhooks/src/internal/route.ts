import type { WebhookKind } from "@anymail/core";

/** `/<anything>/<provider>/<tracking|inbound>` with an optional trailing slash. */
export interface WebhookRoute {
  provider: string;
  kind: WebhookKind;
}

/** Reads the last two path segments; undefined when they can't name a webhook. */
export function routeOf(pathname: string): WebhookRoute | undefined {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const kind = segments.at(-1);
  const provider = segments.at(-2);
  if (provider === undefined || (kind !== "tracking" && kind !== "inbound")) return undefined;
  return { provider: provider.toLowerCase(), kind };
}
