/** What the kit uses of a `Deno.HttpClient`. */
export interface DenoHttpClient {
  close(): void;
}

/**
 * Makes a client without idle connections, where the runtime's fetch would otherwise re-send
 * a request by itself. Two builds: `unpooled-client.edge.ts` (Deno) and
 * `unpooled-client.node.ts` (none needed); see tsup.base.ts.
 */
export type UnpooledClientMaker = () => DenoHttpClient;

/** Methods a repeat can't harm (RFC 9110 safe methods). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request may reach the server twice without harm. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}
