import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { selectTransport } from "../src/internal/transport/select.js";
import { startServer } from "./support/server.js";

// Deno's fetch re-sends a request by itself when a kept-alive connection closes after the
// server read it (tests/edge shows a Postmark send stored twice). Here, on Node, the part the
// kit controls: which requests go through an unpooled Deno.HttpClient. `Deno` is the one
// global of that runtime the kit reads; the requests themselves are real.
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({ "/x": (_req, res) => res.writeHead(200).end("ok") });
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllGlobals());

function denoGlobal() {
  const made: { options: unknown; closed: boolean }[] = [];
  vi.stubGlobal("Deno", {
    createHttpClient(options: unknown) {
      const client = { options, closed: false, close: () => (client.closed = true) };
      made.push(client);
      return client;
    },
  });
  return made;
}

function send(transport: ReturnType<typeof selectTransport>, method: string) {
  return transport.send({
    url: new URL(`${server.origin}/x`),
    method,
    headers: {},
    body: method === "GET" ? undefined : "{}",
    timeoutMs: 5_000,
    signal: undefined,
  });
}

describe("fresh connections where fetch could re-send (Deno)", () => {
  it("a non-idempotent provider's POSTs go through one client without idle connections", async () => {
    const made = denoGlobal();
    const clients: unknown[] = [];
    const transport = selectTransport({
      provider: "Example",
      fetch: (url, init) => {
        clients.push((init as { client?: unknown }).client);
        return fetch(url, init);
      },
    });
    expect((await send(transport, "POST")).status).toBe(200);
    expect((await send(transport, "POST")).status).toBe(200);
    expect((await send(transport, "GET")).status).toBe(200);
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toEqual({ poolMaxIdlePerHost: 0 });
    // Both POSTs on the unpooled client; the GET (harmless to repeat) on the pool.
    expect(clients).toEqual([made[0], made[0], undefined]);
    await transport.close();
    expect(made[0]!.closed).toBe(true);
  });

  it("an idempotent provider (Resend: Idempotency-Key) keeps the pool", async () => {
    const made = denoGlobal();
    const clients: unknown[] = [];
    const transport = selectTransport({
      provider: "Example",
      idempotent: true,
      fetch: (url, init) => {
        clients.push((init as { client?: unknown }).client);
        return fetch(url, init);
      },
    });
    expect((await send(transport, "POST")).status).toBe(200);
    expect(made).toEqual([]);
    expect(clients).toEqual([undefined]);
  });

  it("elsewhere (no Deno.createHttpClient) nothing changes", async () => {
    const clients: unknown[] = [];
    const transport = selectTransport({
      provider: "Example",
      fetch: (url, init) => {
        clients.push((init as { client?: unknown }).client);
        return fetch(url, init);
      },
    });
    expect((await send(transport, "POST")).status).toBe(200);
    expect(clients).toEqual([undefined]);
  });
});
