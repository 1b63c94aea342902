import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubCall {
  method: string;
  path: string;
  authorization?: string;
}

type Route = (request: IncomingMessage, response: ServerResponse, base: string) => void;

/** A tiny HTTP server on 127.0.0.1 standing in for Resend's API in failure-path tests. */
export interface ApiStub {
  url: string;
  calls: StubCall[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startApiStub(): Promise<ApiStub> {
  const routes = new Map<string, Route>();
  const calls: StubCall[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    calls.push({
      method: request.method ?? "GET",
      path,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    const route = routes.get(path.split("?")[0]!) ?? routes.get(path);
    if (route === undefined) {
      json(response, 404, { statusCode: 404, name: "not_found", message: "Not found" });
      return;
    }
    route(request, response, stub.url);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stub: ApiStub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    calls,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}
