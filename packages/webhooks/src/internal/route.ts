import type { WebhookKind } from "@anymail/core";

/** `/<anything>/<provider>/<tracking|inbound>` with an optional trailing slash. */
export interface WebhookRoute {
  readonly provider: string;
  readonly kind: WebhookKind;
}

const ROUTE_CACHE_LIMIT = 256;
// Deliveries hit the same few paths: split each once. Bounded (cleared when full) because
// paths come from the client; cached routes are frozen so no caller can change another's.
const routes = new Map<string, WebhookRoute | undefined>();

/** Reads the last two path segments; undefined when they can't name a webhook. */
export function routeOf(pathname: string): WebhookRoute | undefined {
  if (routes.has(pathname)) return routes.get(pathname);
  const route = parseRoute(pathname);
  if (routes.size >= ROUTE_CACHE_LIMIT) routes.clear();
  routes.set(pathname, route);
  return route;
}

function parseRoute(pathname: string): WebhookRoute | undefined {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const kind = segments.at(-1);
  const provider = segments.at(-2);
  if (provider === undefined || (kind !== "tracking" && kind !== "inbound")) return undefined;
  return Object.freeze({ provider: provider.toLowerCase(), kind });
}
