import type { DenoHttpClient, UnpooledClientMaker } from "./unpooled-client.js";

interface DenoNamespace {
  createHttpClient?: (options: { poolMaxIdlePerHost?: number }) => DenoHttpClient;
}

/**
 * Deno's fetch re-sends a request by itself when a kept-alive connection closes after the
 * server read it: measured with Deno 2.9, a POST whose response was lost reached the
 * server twice. A client keeping no idle connections never reuses one, so it never
 * re-sends. Undefined where the runtime has no `Deno.createHttpClient` (workerd and
 * browsers don't re-send).
 */
export function unpooledClientMaker(): UnpooledClientMaker | undefined {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  const create = deno?.createHttpClient;
  if (typeof create !== "function") return undefined;
  return () => create.call(deno, { poolMaxIdlePerHost: 0 });
}
