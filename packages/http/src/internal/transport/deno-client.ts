/** What the kit uses of a `Deno.HttpClient`. */
export interface DenoHttpClient {
  close(): void;
}

interface DenoNamespace {
  createHttpClient?: (options: { poolMaxIdlePerHost?: number }) => DenoHttpClient;
}

/**
 * Deno's fetch re-sends a request by itself when a kept-alive connection closes after the
 * server read it: measured with Deno 2.9, a POST whose response was lost reached the
 * server twice. A client keeping no idle connections never reuses one, so it never
 * re-sends. Returns how to make one where the runtime has `Deno.createHttpClient`,
 * undefined elsewhere (Node, Bun and workerd don't re-send).
 */
export function unpooledClientMaker(): (() => DenoHttpClient) | undefined {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  const create = deno?.createHttpClient;
  if (typeof create !== "function") return undefined;
  return () => create.call(deno, { poolMaxIdlePerHost: 0 });
}

/** Methods a repeat can't harm (RFC 9110 safe methods). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request may reach the server twice without harm. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}
