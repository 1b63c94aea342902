import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server received. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON payloads
  json: any;
}

/** What the server answers next: a status and a raw body (JSON text, other text, or none). */
export interface ScriptedResponse {
  status?: number;
  body?: string | undefined;
  headers?: Record<string, string>;
}

export const DEFAULT_RESPONSE = JSON.stringify({
  To: "to@example.com",
  SubmittedAt: "2016-03-12T15:27:50.4468803-05:00",
  MessageID: "b4007d94-33f1-4e78-a783-97417d6c80e6",
  ErrorCode: 0,
  Message: "OK",
});

/**
 * A real HTTP server on 127.0.0.1 that records each request and answers with the scripted
 * response (anymail's mocked `requests` session, over a real socket).
 */
export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  /** The last request; fails when there was none. */
  last(): CapturedRequest;
  respond(response: ScriptedResponse): void;
  /** Called for each request instead of the scripted response when set. */
  handler?: (request: CapturedRequest) => ScriptedResponse;
  reset(): void;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  let scripted: ScriptedResponse = { status: 200, body: DEFAULT_RESPONSE };
  const requests: CapturedRequest[] = [];
  let capture: CaptureServer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const request: CapturedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        text,
        json,
      };
      requests.push(request);
      const answer = capture.handler?.(request) ?? scripted;
      res.writeHead(answer.status ?? 200, {
        "content-type": "application/json",
        ...answer.headers,
      });
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  capture = {
    url: `http://127.0.0.1:${port}/`,
    requests,
    last() {
      const request = requests.at(-1);
      if (request === undefined) throw new Error("the API was not called");
      return request;
    },
    respond(response) {
      scripted = { status: 200, ...response };
    },
    reset() {
      requests.length = 0;
      scripted = { status: 200, body: DEFAULT_RESPONSE };
      delete capture.handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return capture;
}
