import { AnymailImproperlyInstalled } from "@anymail/core";
import { type FetchLike, fetchTransport } from "./fetch.js";
import type { Transport } from "./transport.js";
import { agentOptions, type UndiciPoolOptions, undiciTransport } from "./undici.js";
import { isUsableUndici, type UndiciModule } from "./undici-loader.js";
import { loadUndici } from "./undici-loader.node.js";

/** What decides the transport: the client's options. */
export interface TransportChoice extends UndiciPoolOptions {
  /** Provider name, for the error when no transport exists at all. */
  provider: string;
  dispatcher?: import("undici").Dispatcher | undefined;
  fetch?: FetchLike | undefined;
  /** The ESP de-duplicates repeated requests (see HttpClientOptions.idempotent). */
  idempotent?: boolean | undefined;
}

/** A transport that may still be choosing (the first request loads undici or settles on fetch). */
export interface SelectedTransport extends Omit<Transport, "name"> {
  /** The transport in use, chosen on the first request if not yet. */
  resolve(): Promise<Transport>;
}

/**
 * The transport of one client: the `fetch` given; else the injected undici dispatcher;
 * else undici's pooled `Agent` when undici loads and can send (Node); else the runtime's
 * own `fetch` (workerd, Deno and browsers through the edge build, Bun whose `undici` has
 * no `request()`, or undici missing). Decided on the first request, never at import time.
 */
export function selectTransport(
  options: TransportChoice,
  load: () => Promise<UndiciModule | undefined> = loadUndici,
): SelectedTransport {
  const fetchOptions = { idempotent: options.idempotent === true };
  if (options.fetch !== undefined) return settled(fetchTransport(options.fetch, fetchOptions));
  if (options.dispatcher !== undefined) return settled(undiciTransport(options.dispatcher, false));
  return lazy(async () => {
    const undici = await load();
    if (isUsableUndici(undici)) {
      return undiciTransport(new undici.Agent(agentOptions(options)), true);
    }
    return fetchTransport(runtimeFetch(options.provider), fetchOptions);
  });
}

function runtimeFetch(provider: string): FetchLike {
  if (typeof globalThis.fetch !== "function") {
    throw new AnymailImproperlyInstalled("undici", `${provider} API requests`, {
      provider,
      install: "npm install undici (this runtime has no fetch either)",
    });
  }
  // Looked up per call, on globalThis: a runtime (workerd) refuses a detached `fetch`.
  return (url, init) => globalThis.fetch(url, init);
}

function settled(transport: Transport): SelectedTransport {
  return {
    send: (request) => transport.send(request),
    close: () => transport.close(),
    resolve: async () => transport,
  };
}

function lazy(choose: () => Promise<Transport>): SelectedTransport {
  let chosen: Transport | undefined;
  let choosing: Promise<Transport> | undefined;
  const resolve = (): Promise<Transport> => {
    choosing ??= choose().then(
      (transport) => {
        chosen = transport;
        return transport;
      },
      (error: unknown) => {
        choosing = undefined;
        throw error;
      },
    );
    return choosing;
  };
  return {
    send(request) {
      // Once chosen, no extra await on the send path.
      if (chosen !== undefined) return chosen.send(request);
      return resolve().then((transport) => transport.send(request));
    },
    async close() {
      const pending = choosing;
      chosen = undefined;
      choosing = undefined;
      // A later request chooses again and opens a new pool.
      const transport = await pending?.catch(() => undefined);
      await transport?.close();
    },
    resolve,
  };
}
