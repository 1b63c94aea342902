import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy saw: every forwarded request, with the headers that reached it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  authorization?: string;
  stalled: boolean;
  failed: boolean;
}

/**
 * A real HTTP proxy in front of the emulator. It rewrites the emulator's URL to its own in
 * response bodies, so signed download links also come through it, and can stall or fail
 * chosen requests — the network misbehaving, not a mock of Resend.
 */
export interface StallingProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Return true to hold a request open without ever answering. */
  stallWhen: (request: ProxiedRequest) => boolean;
  /** Return true to answer 500 instead of forwarding. */
  failWhen: (request: ProxiedRequest) => boolean;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startStallingProxy(targetUrl: string): Promise<StallingProxy> {
  let ownUrl = "";
  const proxy: StallingProxy = {
    url: "",
    requests: [],
    stallWhen: () => false,
    failWhen: () => false,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const seen: ProxiedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      stalled: false,
      failed: false,
    };
    proxy.requests.push(seen);
    if (proxy.stallWhen(seen)) {
      seen.stalled = true;
      return; // hold the socket open; the client's timeout must fire
    }
    if (proxy.failWhen(seen)) {
      seen.failed = true;
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"statusCode":500,"name":"internal_server_error","message":"proxy fault"}');
      return;
    }
    const body = await readAll(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length")
        headers[name] = value;
    }
    const upstream = await fetch(targetUrl + seen.path, {
      method: seen.method,
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) as unknown as BodyInit } : {}),
    });
    let payload = Buffer.from(await upstream.arrayBuffer());
    const type = upstream.headers.get("content-type") ?? "";
    if (type.includes("json"))
      payload = Buffer.from(payload.toString().split(targetUrl).join(ownUrl));
    const outHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "content-encoding" && name !== "transfer-encoding")
        outHeaders[name] = value;
    });
    res.writeHead(upstream.status, outHeaders);
    res.end(payload);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  ownUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.url = ownUrl;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
