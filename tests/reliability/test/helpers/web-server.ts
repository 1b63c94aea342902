import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/** A real HTTP server on 127.0.0.1 that hands each request to a Web `Request` handler. */
export interface WebServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Streams the request body (no buffering here) so that the handler under test, not this
 * bridge, is what enforces body limits and read timeouts.
 */
function toWebRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: "half",
  } as RequestInit);
}

async function writeWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  const body = new Uint8Array(await response.arrayBuffer());
  res.end(body);
}

export async function startWebServer(
  handle: (request: Request) => Promise<Response>,
): Promise<WebServer> {
  let base = "http://127.0.0.1";
  const server = createServer((req, res) => {
    handle(toWebRequest(req, base))
      .then((response) => writeWebResponse(response, res))
      .catch((error: unknown) => {
        // A handler that throws instead of answering is itself a finding: surface it loudly.
        res.statusCode = 599;
        res.end(`bridge: handler threw ${String(error)}`);
      });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
