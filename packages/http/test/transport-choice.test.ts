import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { selectTransport } from "../src/internal/transport/select.js";
import type { UndiciModule } from "../src/internal/transport/undici-loader.js";
import { loadUndici as edgeLoader } from "../src/internal/transport/undici-loader.edge.js";
import { loadUndici as nodeLoader } from "../src/internal/transport/undici-loader.node.js";
import { startServer } from "./support/server.js";

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({ "/ok": (_req, res) => res.writeHead(200).end("ok") });
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllGlobals());

async function sendOk(transport: ReturnType<typeof selectTransport>): Promise<string> {
  const response = await transport.send({
    url: new URL(`${server.origin}/ok`),
    method: "GET",
    headers: {},
    body: undefined,
    timeoutMs: 5_000,
    signal: undefined,
  });
  return response.text(1_000);
}

describe("which transport a client uses", () => {
  it("Node: undici's pool, loaded on the first request", async () => {
    const transport = selectTransport({ provider: "Example" }, { loadUndici: nodeLoader });
    expect(await sendOk(transport)).toBe("ok");
    expect((await transport.resolve()).name).toBe("undici");
    await transport.close();
    // Closed, the next request opens a new pool.
    expect(await sendOk(transport)).toBe("ok");
    await transport.close();
  });

  it("the edge build: the runtime's fetch, undici never loaded", async () => {
    expect(await edgeLoader()).toBeUndefined();
    const transport = selectTransport({ provider: "Example" }, { loadUndici: edgeLoader });
    expect(await sendOk(transport)).toBe("ok");
    expect((await transport.resolve()).name).toBe("fetch");
  });

  it("Bun: an undici whose Agent has no request() is passed over for fetch", async () => {
    // Bun answers import("undici") with its own module: an Agent class without request().
    class Agent {}
    const bunLike = { Agent } as unknown as UndiciModule;
    const transport = selectTransport({ provider: "Example" }, { loadUndici: async () => bunLike });
    expect(await sendOk(transport)).toBe("ok");
    expect((await transport.resolve()).name).toBe("fetch");
  });

  it("an explicit fetch wins over undici; an injected dispatcher over the own pool", async () => {
    const { Agent } = await import("undici");
    const calls: string[] = [];
    const viaFetch = selectTransport({
      provider: "Example",
      fetch: (url, init) => {
        calls.push(url.pathname);
        return fetch(url, init);
      },
    });
    expect(await sendOk(viaFetch)).toBe("ok");
    expect((await viaFetch.resolve()).name).toBe("fetch");
    expect(calls).toEqual(["/ok"]);
    const dispatcher = new Agent();
    const injected = selectTransport({ provider: "Example", dispatcher });
    expect(await sendOk(injected)).toBe("ok");
    expect((await injected.resolve()).name).toBe("undici");
    await injected.close();
    // Never closed by the client: the user's dispatcher still sends.
    expect(await sendOk(injected)).toBe("ok");
    await dispatcher.close();
  });

  it("neither undici nor fetch: AnymailImproperlyInstalled naming undici, then a retry can succeed", async () => {
    vi.stubGlobal("fetch", undefined);
    const transport = selectTransport({ provider: "Example" }, { loadUndici: edgeLoader });
    await expect(sendOk(transport)).rejects.toMatchObject({
      code: "improperly_installed",
      packageName: "undici",
      provider: "Example",
    });
    vi.unstubAllGlobals();
    expect(await sendOk(transport)).toBe("ok");
  });

  it("the client lets that error through as it is (not as a network failure)", async () => {
    const edge = (await import(new URL("../dist/edge/index.js", import.meta.url).href)) as {
      createHttpClient: typeof import("../src/index.js").createHttpClient;
    };
    vi.stubGlobal("fetch", undefined);
    const http = edge.createHttpClient({ provider: "Example" });
    await expect(
      http.request({ method: "GET", url: `${server.origin}/ok`, headers: {}, timeoutMs: 1_000 }),
    ).rejects.toMatchObject({ code: "improperly_installed", packageName: "undici" });
  });
});
